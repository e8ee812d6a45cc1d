using System.Diagnostics;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;
using TorchSharp;
using static TorchSharp.torch;

namespace Cvr.Deep;

/// <summary>Encoded rows with the two labels the tasks need: like (clicked or installed) and installed.</summary>
internal sealed record MmoeData(EncodedRows Rows, byte[] Like, byte[] Installed);

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
    {
        options.Validate();
        var network = CreateNetwork(inputs, options, seed);
        try
        {
            return Fit(network, inputs, train, valid, options, seed, logger, progress, ct);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Trains a new network on every row of <paramref name="train"/> (the refit: no validation day) for
    /// the epochs <paramref name="chosen"/> found best, keeping its install estimate and its validation summary.</summary>
    public static MmoeModel Refit(MmoeInputEncoder inputs, MmoeData train, MmoeSummary chosen, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, CancellationToken ct)
    {
        options.Validate();
        var epochs = Math.Max(1, chosen.BestEpoch);
        var network = CreateNetwork(inputs, options, seed);
        try
        {
            var clock = Stopwatch.StartNew();
            RunEpochs(network, train, options, seed, epochs, ct, (epoch, loss) =>
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

    private static MmoeModel Fit(MmoeNetwork network, MmoeInputEncoder inputs, MmoeData train, MmoeData valid, MmoeOptions options, int seed,
        ILogger logger, IProgress<ModelProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        Dictionary<string, Tensor>? best = null;
        var (bestLoss, bestEpoch, bestHead, bestCtcvr, bestProduct) = (double.PositiveInfinity, 0, MmoeHeads.Ctcvr, 0.0, 0.0);
        var stop = "max epochs";
        int epochs;
        try
        {
            epochs = RunEpochs(network, train, options, seed, options.MaxEpochs, ct, (epoch, loss) =>
            {
                var predictions = network.PredictHeads(valid.Rows);
                var ctcvr = Metrics.LogLoss(valid.Installed, predictions.Ctcvr);
                var product = Metrics.LogLoss(valid.Installed, predictions.Product);
                var epochBest = Math.Min(ctcvr, product);
                logger.LogInformation("mmoe: epoch {Epoch}/{Max}: training loss {Loss:F5}; validation install logloss CTCVR {Ctcvr:F5}, CTR×CVR {Product:F5} ({Seconds:F1} s)",
                    epoch, options.MaxEpochs, loss, ctcvr, product, clock.Elapsed.TotalSeconds);
                progress?.Report(new ModelProgress(MmoeModel.MemberName, new TrainingProgress(epoch, options.MaxEpochs, clock.Elapsed,
                    [new EvaluationResult(ModelInputs.ValidationName, TrainingOptions.Metric, epochBest)])));
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
            network.load_state_dict(best!);
        }
        finally
        {
            Release(best);
        }
        var summary = new MmoeSummary(bestHead, bestEpoch, epochs, stop, bestCtcvr, bestProduct);
        logger.LogInformation("mmoe: best epoch {Best} of {Run} ({Reason}); install estimate used: {Head} (validation logloss CTCVR {Ctcvr:F5}, CTR×CVR {Product:F5})",
            bestEpoch, epochs, stop, bestHead, bestCtcvr, bestProduct);
        return new MmoeModel(network, inputs, options, summary);
    }

    /// <summary>Adam on mini-batches of the shuffled rows, epoch after epoch, until <paramref name="maxEpochs"/> or
    /// <paramref name="afterEpoch"/> (given the epoch and its mean training loss) returns false; the epochs run.</summary>
    private static int RunEpochs(MmoeNetwork network, MmoeData train, MmoeOptions options, int seed, int maxEpochs, CancellationToken ct,
        Func<int, double, bool> afterEpoch)
    {
        var device = TorchDevice.Selected;
        var n = train.Rows.Rows;
        using var categories = tensor(train.Rows.Categories, [n, train.Rows.CategoricalWidth], ScalarType.Int32).to(device);
        using var numerics = tensor(train.Rows.Numerics, [n, train.Rows.NumericWidth], ScalarType.Float32).to(device);
        using var like = Floats(train.Like).to(device);
        using var installed = Floats(train.Installed).to(device);
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
            for (var start = 0; start < n; start += options.BatchSize)
            {
                ct.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var index = tensor(order.AsSpan(start, Math.Min(options.BatchSize, n - start)).ToArray(), ScalarType.Int32).to(device);
                var logits = network.forward(categories.index_select(0, index).to_type(ScalarType.Int64), numerics.index_select(0, index));
                var loss = MmoeLoss.Compute(logits, like.index_select(0, index), installed.index_select(0, index), options);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                lossSum += loss.item<float>();
                batches++;
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
