using System.Diagnostics;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Cvr.Deep;

/// <summary>Encoded rows with the two labels the tasks need: like (clicked or installed) and installed.</summary>
internal sealed record MmoeData(EncodedRows Rows, byte[] Like, byte[] Installed)
{
    /// <summary>The rows at <paramref name="positions"/>, in that order.</summary>
    public MmoeData At(int[] positions)
    {
        var (c, w) = (Rows.CategoricalWidth, Rows.NumericWidth);
        var categories = new int[positions.Length * c];
        var numerics = new float[positions.Length * w];
        for (var i = 0; i < positions.Length; i++)
        {
            Rows.Categories.AsSpan(positions[i] * c, c).CopyTo(categories.AsSpan(i * c));
            Rows.Numerics.AsSpan(positions[i] * w, w).CopyTo(numerics.AsSpan(i * w));
        }
        return new MmoeData(new EncodedRows(positions.Length, c, categories, w, numerics),
            FeaturePipeline.Select(Like, positions), FeaturePipeline.Select(Installed, positions));
    }
}

/// <summary>
/// The rows the network trains on, taken a chunk at a time in the order training asks for: <see cref="At"/> gives the
/// encoded rows and labels at any positions (indices among the <see cref="Count"/> rows). Held in memory
/// (<see cref="InMemory"/>) or encoded on the fly from the fitted features, so that the training rows' matrix never
/// exists whole (<see cref="MmoeKind"/>); training gives the same weights either way.
/// </summary>
internal sealed record MmoeRows(int Count, Func<int[], MmoeData> At)
{
    public static MmoeRows InMemory(MmoeData data) => new(data.Rows.Rows, data.At);
}

/// <summary>
/// Trains the MMOE: Adam on mini-batches of the shuffled training rows, each epoch followed by the validation
/// day's install logloss of both estimates (CTCVR and CTR × CVR); the best epoch's weights and estimate are kept,
/// and training stops after <see cref="MmoeOptions.Patience"/> epochs without improvement. Seeded: the weights'
/// initialisation (torch's generator, seeded under a lock) and the shuffling (System.Random) give the same
/// weights for the same seed on the CPU.
/// </summary>
internal static class MmoeTraining
{
    private static readonly Lock s_seedLock = new();

    public static MmoeNetwork CreateNetwork(MmoeInputEncoder inputs, MmoeOptions options, long seed)
    {
        lock (s_seedLock)
        {
            random.manual_seed(seed);
            var network = new MmoeNetwork(inputs.Vocabulary, inputs.Categoricals.Count, inputs.NumericWidth, options);
            network.to(TorchDevice.Selected);
            return network;
        }
    }

    public static MmoeModel Train(MmoeInputEncoder inputs, MmoeData train, MmoeData valid, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, CancellationToken ct)
        => Train(inputs, MmoeRows.InMemory(train), train.Rows.Rows, valid, options, seed, logger, progress, null, ct);

    /// <param name="chunkRows">Rows taken from <paramref name="train"/> at a time (rounded down to whole batches, at
    /// least one): the same weights whatever it is.</param>
    public static MmoeModel Train(MmoeInputEncoder inputs, MmoeRows train, int chunkRows, MmoeData valid, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, PhaseTimer? timer, CancellationToken ct)
    {
        options.Validate();
        var network = CreateNetwork(inputs, options, seed);
        try
        {
            return Fit(network, inputs, new Epochs(train, chunkRows, timer), valid, options, seed, logger, progress, ct);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Trains a new network on every row of <paramref name="train"/> (the refit: no validation day) for
    /// the epochs <paramref name="chosen"/> found best, keeping its install estimate and its validation summary.</summary>
    public static MmoeModel Refit(MmoeInputEncoder inputs, MmoeRows train, int chunkRows, MmoeSummary chosen, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, PhaseTimer? timer, CancellationToken ct)
    {
        options.Validate();
        var epochs = Math.Max(1, chosen.BestEpoch);
        var network = CreateNetwork(inputs, options, seed);
        try
        {
            var clock = Stopwatch.StartNew();
            RunEpochs(network, new Epochs(train, chunkRows, timer), options, seed, epochs, ct, (epoch, loss) =>
            {
                logger.LogInformation("mmoe: epoch {Epoch}/{Max}: training loss {Loss:F5} ({Seconds:F1} s)", epoch, epochs, loss, clock.Elapsed.TotalSeconds);
                progress?.Report(new ModelProgress(MmoeModel.MemberName, new TrainingProgress(epoch, epochs, clock.Elapsed, [])));
                return true;
            });
            var summary = chosen with { EpochsRun = epochs, StopReason = $"refit on every labelled day: {epochs} epochs, the best on the validation day" };
            return new MmoeModel(network, inputs, options, summary);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    private static MmoeModel Fit(MmoeNetwork network, MmoeInputEncoder inputs, Epochs train, MmoeData valid, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, Tensor>? best = null;
        var (bestLoss, bestEpoch, bestHead, bestCtcvr, bestProduct) = (double.PositiveInfinity, 0, MmoeHeads.Ctcvr, 0.0, 0.0);
        var stop = "max epochs";
        var (curveEpochs, curveTraining, curveValidation) = (new List<int>(), new List<double?>(), new List<double?>());
        int epochs;
        try
        {
            epochs = RunEpochs(network, train, options, seed, options.MaxEpochs, ct, (epoch, loss) =>
            {
                var predictions = network.PredictHeads(valid.Rows);
                var ctcvr = Metrics.LogLoss(valid.Installed, predictions.Ctcvr);
                var product = Metrics.LogLoss(valid.Installed, predictions.Product);
                var epochBest = Math.Min(ctcvr, product);
                curveEpochs.Add(epoch);
                curveTraining.Add(loss);
                curveValidation.Add(epochBest);
                logger.LogInformation("mmoe: epoch {Epoch}/{Max}: training loss {Loss:F5}; validation install logloss CTCVR {Ctcvr:F5}, CTR×CVR {Product:F5} ({Seconds:F1} s)",
                    epoch, options.MaxEpochs, loss, ctcvr, product, clock.Elapsed.TotalSeconds);
                progress?.Report(new ModelProgress(MmoeModel.MemberName, new TrainingProgress(epoch, options.MaxEpochs, clock.Elapsed,
                    [new EvaluationResult(ModelFitter.ValidationName, TrainingOptions.Metric, epochBest)])));
                if (epochBest < bestLoss - 1e-9)
                {
                    Release(best);
                    best = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
                    (bestLoss, bestEpoch, bestHead, bestCtcvr, bestProduct) = (epochBest, epoch, ctcvr <= product ? MmoeHeads.Ctcvr : MmoeHeads.Product, ctcvr, product);
                }
                else if (epoch - bestEpoch >= options.Patience)
                {
                    stop = $"early stopping: {options.Patience} epochs without improvement";
                    return false;
                }
                return true;
            });
            if (best is null)
            {
                // Every epoch's validation logloss was NaN: the network diverged (its outputs are not numbers), so
                // there is no epoch to keep. Loading none threw a NullReferenceException inside TorchSharp (exit 1).
                throw new ConfigurationException($"the deep model diverged: its validation logloss was not a number after each of {epochs} epochs " +
                    $"(learning_rate {options.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)}; try a smaller one in the \"mmoe\" section of --params)");
            }
            network.load_state_dict(best);
        }
        finally
        {
            Release(best);
        }
        var summary = new MmoeSummary(bestHead, bestEpoch, epochs, stop, bestCtcvr, bestProduct,
            new Cvr.LightGbm.Training.LearningCurve(curveEpochs, curveTraining, curveValidation));
        logger.LogInformation("mmoe: best epoch {Best} of {Run} ({Reason}); install estimate used: {Head} (validation logloss CTCVR {Ctcvr:F5}, CTR×CVR {Product:F5})",
            bestEpoch, epochs, stop, bestHead, bestCtcvr, bestProduct);
        return new MmoeModel(network, inputs, options, summary);
    }

    /// <summary>The training rows, how many to take at a time, and where to count the time spent waiting for them.</summary>
    private sealed record Epochs(MmoeRows Rows, int ChunkRows, PhaseTimer? Timer);

    /// <summary>Adam on mini-batches of the shuffled rows, epoch after epoch, until <paramref name="maxEpochs"/> or
    /// <paramref name="afterEpoch"/> (given the epoch and its mean training loss) returns false; the epochs run.
    /// Each epoch shuffles every row's position, then takes the rows a chunk of whole batches at a time in that order:
    /// the batches are those of one shuffled pass over the rows held at once, whatever the chunk size.</summary>
    /// <remarks>The next chunk is not prepared on another thread while the network trains: that thread's allocations
    /// start collections during libtorch calls, and TorchSharp leaves the scalars it creates for an operator
    /// (Adam's step sizes, an add's alpha) to the finalizer, which then freed some while the call still read them —
    /// "Unknown scalar type" from libtorch in one test run of three. Prepared in turn, the chunks cost 30 % of the
    /// training time instead of 16 % (scale 0.1), and every collection happens between torch calls.</remarks>
    private static int RunEpochs(MmoeNetwork network, Epochs train, MmoeOptions options, int seed, int maxEpochs, CancellationToken ct,
        Func<int, double, bool> afterEpoch)
    {
        var device = TorchDevice.Selected;
        var n = train.Rows.Count;
        var batch = options.BatchSize;
        var chunkRows = (int)Math.Min(n, Math.Max(1L, train.ChunkRows / batch) * batch);
        using var optimizer = optim.Adam(network.parameters(), lr: options.LearningRate);
        var order = Enumerable.Range(0, n).ToArray();
        var shuffle = new Random(seed);
        var epoch = 0;
        while (epoch < maxEpochs)
        {
            epoch++;
            shuffle.Shuffle(order);
            network.train();
            var (lossSum, batches) = (0.0, 0);
            for (var start = 0; start < n; start += chunkRows)
            {
                var positions = order.AsSpan(start, Math.Min(chunkRows, n - start)).ToArray();
                var chunk = train.Timer is { } timer ? timer.Time("mmoe: inputs", () => train.Rows.At(positions)) : train.Rows.At(positions);
                // Every tensor of the chunk, the intermediate ones too, is disposed with this scope, not left to the
                // finalizer thread.
                using (NewDisposeScope())
                {
                    var categories = tensor(chunk.Rows.Categories, [chunk.Rows.Rows, chunk.Rows.CategoricalWidth], ScalarType.Int32).to_type(ScalarType.Int64).to(device);
                    var numerics = tensor(chunk.Rows.Numerics, [chunk.Rows.Rows, chunk.Rows.NumericWidth], ScalarType.Float32).to(device);
                    var like = Floats(chunk.Like).to(device);
                    var installed = Floats(chunk.Installed).to(device);
                    for (var b = 0; b < chunk.Rows.Rows; b += batch)
                    {
                        ct.ThrowIfCancellationRequested();
                        using var scope = NewDisposeScope();
                        var count = Math.Min(batch, chunk.Rows.Rows - b);
                        var logits = network.forward(categories.narrow(0, b, count), numerics.narrow(0, b, count));
                        var loss = MmoeLoss.Compute(logits, like.narrow(0, b, count), installed.narrow(0, b, count), options);
                        optimizer.zero_grad();
                        loss.backward();
                        optimizer.step();
                        lossSum += loss.item<float>();
                        batches++;
                    }
                }
                chunk = null;
                MemoryPolicy.ChunkConsumed();
            }
            if (!afterEpoch(epoch, lossSum / Math.Max(1, batches)))
            {
                break;
            }
        }
        return epoch;
    }

    private static Tensor Floats(byte[] labels) => tensor(labels.Select(b => (float)b).ToArray(), ScalarType.Float32);

    private static void Release(Dictionary<string, Tensor>? state)
    {
        if (state is null) { return; }
        foreach (var t in state.Values) { t.Dispose(); }
    }
}
