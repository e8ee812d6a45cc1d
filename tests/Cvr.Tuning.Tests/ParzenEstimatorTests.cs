using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

/// <summary>Kernel centres and widths worked out by hand from Optuna's rule (parzen_estimator.py, univariate).</summary>
public class ParzenEstimatorTests
{
    [Fact]
    public void Kernels_Defaults_NeighbourGapsWithoutEndpointsAndMagicClip()
    {
        // Centres with the prior's 0.5, sorted: 0.1 0.12 0.5 0.9 inside [0, 1]. Widths are the larger neighbour gap,
        // except the outermost use their inner gap (consider_endpoints=False): 0.02, 0.38, (prior), 0.4. The magic
        // clip raises them to 1 / min(100, 1 + 4 kernels) = 0.2. The prior kernel: centre 0.5, width 1.
        var pe = new ParzenEstimator([0.1, 0.12, 0.9], new FloatDistribution(0, 1), new TpeOptions());
        Assert.Equal([0.1, 0.12, 0.9, 0.5], pe.Mus);
        AssertClose([0.2, 0.38, 0.4, 1.0], pe.Sigmas);
    }

    [Fact]
    public void Kernels_ConsiderEndpointsNoClip_UseTheGapToTheEnds()
    {
        var options = new TpeOptions { ConsiderEndpoints = true, ConsiderMagicClip = false };
        AssertClose([0.1, 0.38, 0.4, 1.0], new ParzenEstimator([0.1, 0.12, 0.9], new FloatDistribution(0, 1), options).Sigmas);
        var noClip = new TpeOptions { ConsiderMagicClip = false };
        AssertClose([0.02, 0.38, 0.4, 1.0], new ParzenEstimator([0.1, 0.12, 0.9], new FloatDistribution(0, 1), noClip).Sigmas);
    }

    [Fact]
    public void Kernels_IntWithStep_WorkOnTheRangeWidenedByHalfAStep()
    {
        // [1, 5] becomes [0.5, 5.5]; the observation 3 ties with the prior's centre 3, its gap is 0, and the clip
        // lifts it to 5 / min(100, 1 + 2) = 5/3. The prior is 5 wide.
        var pe = new ParzenEstimator([3], new IntDistribution(1, 5), new TpeOptions());
        AssertClose([5.0 / 3, 5.0], pe.Sigmas);
    }

    [Fact]
    public void Kernels_LogScale_LiveInLogSpace()
    {
        var pe = new ParzenEstimator([1e-2], new FloatDistribution(1e-3, 10, log: true), new TpeOptions());
        AssertClose([Math.Log(1e-2), 0.5 * (Math.Log(1e-3) + Math.Log(10))], pe.Mus);
        Assert.Equal(Math.Log(10) - Math.Log(1e-3), pe.Sigmas[1], 12);
    }

    [Fact]
    public void LogPdf_Categorical_IsTheWeightedSmoothedOneHotRows()
    {
        // Observations 0, 0, 2 of 3 choices; each row is (1 on its choice + 1/4 everywhere) / 1.75, the prior row is
        // uniform; the four kernels weigh 1/4 each.
        var pe = new ParzenEstimator([0, 0, 2], new CategoricalDistribution(["a", "b", "c"]), new TpeOptions());
        double p0 = 0.25 * (1.25 / 1.75 + 1.25 / 1.75 + 0.25 / 1.75 + 1.0 / 3);
        double p1 = 0.25 * (0.25 / 1.75 * 3 + 1.0 / 3);
        Assert.Equal(Math.Log(p0), pe.LogPdf(0), 12);
        Assert.Equal(Math.Log(p1), pe.LogPdf(1), 12);
        Assert.Equal(1.0, Enumerable.Range(0, 3).Sum(i => Math.Exp(pe.LogPdf(i))), 12);
    }

    [Fact]
    public void LogPdf_SteppedValues_SumToOneOverTheGrid()
    {
        var pe = new ParzenEstimator([0.2, 0.4, 0.4], new FloatDistribution(0, 1, step: 0.2), new TpeOptions());
        double total = Enumerable.Range(0, 6).Sum(k => Math.Exp(pe.LogPdf(k * 0.2)));
        Assert.Equal(1.0, total, 12);
    }

    [Fact]
    public void LogPdf_Continuous_IntegratesToOne()
    {
        var pe = new ParzenEstimator([0.05, 0.3, 0.31], new FloatDistribution(0, 1), new TpeOptions());
        const int n = 20000;
        double integral = Enumerable.Range(0, n).Sum(i => Math.Exp(pe.LogPdf((i + 0.5) / n))) / n;
        Assert.Equal(1.0, integral, 6);
    }

    [Fact]
    public void Sample_NoObservations_DrawsFromThePriorInsideTheBounds()
    {
        var pe = new ParzenEstimator([], new IntDistribution(1, 1000, log: true), new TpeOptions());
        var rng = new TuningRng(1);
        var draws = pe.Sample(ref rng, 500);
        Assert.Equal(1, pe.KernelCount);
        Assert.All(draws, d => Assert.True(d >= 1 && d <= 1000 && d == Math.Floor(d), $"{d}"));
    }

    private static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i], actual[i], 12);
        }
    }
}
