using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Deep.Tests;

/// <summary>The trained network's C# forward pass: agrees with the torch module, and a row scored alone gives
/// the bits it gets in any batch.</summary>
public sealed class MmoeForwardTests
{
    [Fact]
    public void PredictHeads_AgreesWithTheTorchModule()
    {
        var valid = new TwoStageProblem(1500, seed: 12);
        using var model = Train(new TwoStageProblem(2000, seed: 11), valid, epochs: 2);

        var torch = model.Network.PredictHeads(valid.Rows);
        var forward = model.Scoring.PredictHeads(valid.Rows);

        // float32 arithmetic in another order than libtorch's kernels: equal to ~1e-7 (measured max 6.7e-8).
        for (var i = 0; i < valid.Rows.Rows; i++)
        {
            Assert.Equal(torch.Ctr[i], forward.Ctr[i], 1e-6);
            Assert.Equal(torch.Cvr[i], forward.Cvr[i], 1e-6);
            Assert.Equal(torch.Ctcvr[i], forward.Ctcvr[i], 1e-6);
        }
        Assert.True(forward.Ctcvr.Distinct().Count() > valid.Rows.Rows / 2, "the rows get different probabilities");
    }

    [Fact]
    public void Forward_OneRowAlone_GivesTheBitsItGetsInTheBatch()
    {
        var valid = new TwoStageProblem(3000, seed: 14);
        using var model = Train(new TwoStageProblem(1000, seed: 13), valid, epochs: 1);
        var rows = valid.Rows;
        var batch = model.Scoring.PredictHeads(rows);
        var scratch = model.Scoring.CreateScratch();

        for (var i = 0; i < rows.Rows; i++)
        {
            var alone = model.Scoring.Forward(rows.Categories.AsSpan(i * rows.CategoricalWidth, rows.CategoricalWidth),
                rows.Numerics.AsSpan(i * rows.NumericWidth, rows.NumericWidth), scratch);
            Assert.Equal(BitConverter.DoubleToInt64Bits(batch.Ctr[i]), BitConverter.DoubleToInt64Bits(alone.Ctr));
            Assert.Equal(BitConverter.DoubleToInt64Bits(batch.Cvr[i]), BitConverter.DoubleToInt64Bits(alone.Cvr));
            Assert.Equal(BitConverter.DoubleToInt64Bits(batch.Ctcvr[i]), BitConverter.DoubleToInt64Bits(alone.Ctcvr));
        }
    }

    private static MmoeModel Train(TwoStageProblem train, TwoStageProblem valid, int epochs)
        => MmoeTraining.Train(TwoStageProblem.Encoder, train.Data, valid.Data, TwoStageProblem.Options with { MaxEpochs = epochs }, 3,
            NullLogger.Instance, null, CancellationToken.None);

    /// <summary>Every length the network's widths can take (a multiple of 8): whole blocks of 32 and each remainder of
    /// one, two or three blocks of 8 are all counted.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(24)]
    [InlineData(32)]
    [InlineData(40)]
    [InlineData(56)]
    [InlineData(560)]
    public void Dot_EveryLength_IsTheDotProduct(int length)
    {
        var random = new Random(length);
        var (a, b) = (new float[length], new float[length]);
        for (var i = 0; i < length; i++) { (a[i], b[i]) = ((float)random.NextDouble() - 0.5f, (float)random.NextDouble() - 0.5f); }
        var exact = 0.0;
        for (var i = 0; i < length; i++) { exact += (double)a[i] * b[i]; }
        Assert.Equal(exact, MmoeForward.Dot(a, b), 1e-5);
        // One term alone, in each position: none is dropped or counted twice.
        for (var i = 0; i < length; i++)
        {
            var unit = new float[length];
            unit[i] = 1;
            Assert.Equal(b[i], MmoeForward.Dot(unit, b));
        }
    }
}
