using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Cvr.Deep.Tests;

/// <summary>The network, its loss and its training loop on a problem whose structure is known.</summary>
public sealed class MmoeTrainingTests
{
    private static MmoeModel Train(TwoStageProblem train, TwoStageProblem valid, int seed, MmoeOptions? options = null)
        => MmoeTraining.Train(TwoStageProblem.Encoder, train.Data, valid.Data, options ?? TwoStageProblem.Options, seed, NullLogger.Instance, null, CancellationToken.None);

    [Fact]
    public void CvrLoss_RowsOutsideItsSampleSpace_GetExactlyZeroGradient()
    {
        using var logits = tensor(new float[] { 0.3f, -1.2f, 2.0f, 0.1f, -0.4f, 1.5f }, requires_grad: true);
        using var like = tensor(new float[] { 1, 0, 1, 0, 0, 1 });
        using var installed = tensor(new float[] { 1, 0, 0, 0, 0, 1 });

        using var loss = MmoeLoss.Cvr(logits, like, installed);
        loss.backward();

        var gradient = logits.grad!.data<float>().ToArray();
        var mask = like.data<float>().ToArray();
        for (var i = 0; i < gradient.Length; i++)
        {
            if (mask[i] == 0) { Assert.Equal(0f, gradient[i]); }
            else { Assert.NotEqual(0f, gradient[i]); }
        }
        // The mean over the 3 liked rows: (σ(x) − y) / 3 for each of them.
        Assert.Equal((float)((1 / (1 + Math.Exp(-0.3)) - 1) / 3), gradient[0], 1e-6f);
    }

    [Fact]
    public void CvrLoss_BatchWithoutLikedRows_IsZero()
    {
        using var logits = tensor(new float[] { 0.3f, -1.2f });
        using var zero = zeros(2);
        Assert.Equal(0f, MmoeLoss.Cvr(logits, zero, zero).item<float>());
    }

    [Fact]
    public void Loss_IsTheWeightedSumOfTheThreeTasks()
    {
        using var ctr = tensor(new float[] { 0.5f, -1f, 2f });
        using var cvr = tensor(new float[] { -0.5f, 1f, 0f });
        using var ctcvr = tensor(new float[] { -2f, -1f, 1f });
        using var like = tensor(new float[] { 1, 0, 1 });
        using var installed = tensor(new float[] { 1, 0, 0 });
        var options = new MmoeOptions { WeightCtr = 0.5, WeightCvr = 2, WeightCtcvr = 3 };

        var total = MmoeLoss.Compute(new MmoeLogits(ctr, cvr, ctcvr), like, installed, options).item<float>();

        // Cross-entropies by hand: −[y ln σ(z) + (1 − y) ln(1 − σ(z))], CVR over the liked rows 0 and 2 only.
        static double Bce(double z, double y) => -(y * Math.Log(1 / (1 + Math.Exp(-z))) + (1 - y) * Math.Log(1 - 1 / (1 + Math.Exp(-z))));
        var expected = 0.5 * (Bce(0.5, 1) + Bce(-1, 0) + Bce(2, 1)) / 3
            + 2 * (Bce(-0.5, 1) + Bce(0, 0)) / 2
            + 3 * (Bce(-2, 1) + Bce(-1, 0) + Bce(1, 0)) / 3;
        Assert.Equal(expected, total, 1e-5);
    }

    [Fact]
    public void Heads_ProductIsCtrTimesCvr_AndTheHeadIsChosenByName()
    {
        var predictions = new MmoePredictions([0.5, 0.2], [0.4, 0.9], [0.1, 0.3]);

        Assert.Equal([0.2, 0.2 * 0.9], predictions.Install(MmoeHeads.Product));
        Assert.Same(predictions.Ctcvr, predictions.Install(MmoeHeads.Ctcvr));
        Assert.Throws<ArgumentOutOfRangeException>(() => predictions.Install("cvr"));
    }

    [Fact]
    public void Train_TwoStageProblem_BeatsAConstantAndRecoversBothStages()
    {
        var train = new TwoStageProblem(8000, seed: 1);
        var valid = new TwoStageProblem(4000, seed: 2);

        using var model = Train(train, valid, seed: 3);
        var heads = model.Network.PredictHeads(valid.Rows);

        var rate = valid.Installed.Average(b => (double)b);
        var constant = Metrics.LogLoss(valid.Installed, Enumerable.Repeat(rate, valid.Installed.Length).ToArray());
        var install = Metrics.LogLoss(valid.Installed, heads.Install(model.Summary.Head));
        Assert.True(install < constant - 0.05, $"install logloss {install:F4} vs the constant's {constant:F4}");
        // The heads recover the stages: CTR follows P(like) on every row, CVR follows P(install | like) on the liked rows.
        Assert.True(Correlation(heads.Ctr, valid.TrueCtr) > 0.95, $"CTR correlation {Correlation(heads.Ctr, valid.TrueCtr):F3}");
        var liked = Enumerable.Range(0, valid.Like.Length).Where(i => valid.Like[i] == 1).ToArray();
        var cvr = Correlation(liked.Select(i => heads.Cvr[i]).ToArray(), liked.Select(i => valid.TrueCvr[i]).ToArray());
        Assert.True(cvr > 0.9, $"CVR correlation on liked rows {cvr:F3}");
        // CVR ignores x1, which only drives the first stage.
        var stageOneOnly = Correlation(liked.Select(i => heads.Cvr[i]).ToArray(), liked.Select(i => valid.TrueCtr[i]).ToArray());
        Assert.True(Math.Abs(stageOneOnly) < 0.3, $"CVR correlates with P(like): {stageOneOnly:F3}");
        Assert.True(model.Summary.BestEpoch >= 1 && model.Summary.BestEpoch <= model.Summary.EpochsRun);
        Assert.Equal(Math.Min(model.Summary.ValidationLogLossCtcvr, model.Summary.ValidationLogLossProduct), install, 1e-12);
    }

    [Fact]
    public void Train_SameSeed_SameWeights_OtherSeed_OtherWeights()
    {
        var train = new TwoStageProblem(2000, seed: 4);
        var valid = new TwoStageProblem(1000, seed: 5);
        var options = TwoStageProblem.Options with { MaxEpochs = 3 };

        using var a = Train(train, valid, seed: 11, options);
        using var b = Train(train, valid, seed: 11, options);
        using var c = Train(train, valid, seed: 12, options);

        Assert.Equal(Weights(a), Weights(b));
        Assert.NotEqual(Weights(a), Weights(c));
    }

    [Fact]
    public void Train_TorchThreadCount_ChangesNoWeight()
    {
        // TrainingOptions promises the same bundle bytes at any thread count; the MMOE's share of that promise is
        // its weights from libtorch's CPU kernels at 1, 2 and 4 intra-op threads.
        var train = new TwoStageProblem(3000, seed: 6);
        var valid = new TwoStageProblem(1000, seed: 7);
        var options = TwoStageProblem.Options with { MaxEpochs = 2 };
        var before = get_num_threads();
        try
        {
            set_num_threads(1);
            using var one = Train(train, valid, seed: 3, options);
            foreach (var threads in new[] { 2, 4 })
            {
                set_num_threads(threads);
                using var other = Train(train, valid, seed: 3, options);
                Assert.Equal(Weights(one), Weights(other));
                Assert.Equal(one.Summary, other.Summary);
            }
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void Train_RowsTakenInChunks_GivesTheWeightsOfTheRowsHeldAtOnce()
    {
        var train = new TwoStageProblem(3000, seed: 8);
        var valid = new TwoStageProblem(1000, seed: 9);
        var options = TwoStageProblem.Options with { MaxEpochs = 2 };
        var asked = new List<int>();
        var rows = MmoeRows.InMemory(train.Data);
        var counting = rows with { At = positions => { lock (asked) { asked.Add(positions.Length); } return rows.At(positions); } };

        using var whole = Train(train, valid, seed: 5, options);
        // 700 rows a chunk is 2 whole batches of 256 and a part: the chunks are cut at 512 rows, so the batches stay
        // those of one shuffled pass.
        using var chunked = MmoeTraining.Train(TwoStageProblem.Encoder, counting, chunkRows: 700, valid.Data, options, seed: 5,
            NullLogger.Instance, null, null, CancellationToken.None);

        Assert.Equal(Enumerable.Repeat(new[] { 512, 512, 512, 512, 512, 440 }, 2).SelectMany(c => c), asked);
        Assert.Equal(Weights(whole), Weights(chunked));
        Assert.Equal(whole.Summary, chunked.Summary);
    }

    [Fact]
    public void SaveLoad_RoundTrip_GivesIdenticalPredictions()
    {
        var train = new TwoStageProblem(2000, seed: 6);
        var valid = new TwoStageProblem(1000, seed: 7);
        using var dir = new TempDir();
        using var model = Train(train, valid, seed: 1, TwoStageProblem.Options with { MaxEpochs = 2 });

        var (files, _) = model.Save(dir.Path);
        using var loaded = MmoeModel.Load(dir.Path);

        Assert.Equal([MmoeModel.ConfigFile, MmoeModel.WeightsFile], files);
        var before = model.Network.PredictHeads(valid.Rows);
        var after = loaded.Network.PredictHeads(valid.Rows);
        Assert.Equal(before.Ctr, after.Ctr);
        Assert.Equal(before.Cvr, after.Cvr);
        Assert.Equal(before.Ctcvr, after.Ctcvr);
        Assert.Equal(model.Summary, loaded.Summary);
    }

    [Fact]
    public void Load_WeightsOfAnotherArchitecture_IsABundleError()
    {
        var train = new TwoStageProblem(500, seed: 6);
        using var dir = new TempDir();
        using var model = Train(train, train, seed: 1, TwoStageProblem.Options with { MaxEpochs = 1 });
        model.Save(dir.Path);
        var config = File.ReadAllText(dir.File(MmoeModel.ConfigFile)).Replace("\"expert_units\": 16", "\"expert_units\": 17");
        File.WriteAllText(dir.File(MmoeModel.ConfigFile), config);

        var error = Assert.Throws<ModelBundleException>(() => MmoeModel.Load(dir.Path));
        Assert.Contains(MmoeModel.WeightsFile, error.Message);
    }

    private static float[] Weights(MmoeModel model)
        => model.Network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    private static double Correlation(double[] a, double[] b)
    {
        var (ma, mb) = (a.Average(), b.Average());
        double sab = 0, saa = 0, sbb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.Sqrt(saa * sbb);
    }
}
