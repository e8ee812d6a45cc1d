using Cvr.Features;
using MathNet.Numerics.Distributions;

namespace Cvr.Tests.Features;

public class BetaMomentsTests
{
    /// <summary>Shapes from tiny (below 1, a U shape) to huge (a prior of millions of pseudo-rows).</summary>
    public static TheoryData<double, double> Shapes => new()
    {
        { 0.5, 0.7 }, { 1, 1 }, { 2, 5 }, { 3.5, 1.2 }, { 17, 83 }, { 170, 830 }, { 1.7e5, 8.3e5 }, { 6e5, 2.9e6 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrueMoments_MatchMathNetAndRawMoments(double a, double b)
    {
        var beta = new Beta(a, b);
        Assert.Equal(beta.Mean, BetaMoments.Mean(a, b), 1e-12);
        AssertRelative(beta.Variance, BetaMoments.Variance(a, b), 1e-10);
        AssertRelative(beta.Skewness, BetaMoments.Skewness(a, b, BetaMomentFormulas.True), 1e-8);
        // Excess kurtosis from the raw moments E[X^k] = Π_{i<k} (a+i)/(a+b+i), independent of the closed form.
        double Raw(int k)
        {
            var m = 1.0;
            for (var i = 0; i < k; i++) { m *= (a + i) / (a + b + i); }
            return m;
        }
        var m1 = Raw(1);
        var variance = Raw(2) - m1 * m1;
        var fourth = Raw(4) - 4 * m1 * Raw(3) + 6 * m1 * m1 * Raw(2) - 3 * Math.Pow(m1, 4);
        var expected = fourth / (variance * variance) - 3;
        // Catastrophic cancellation in the raw-moment route limits agreement for huge shapes.
        Assert.Equal(expected, BetaMoments.Kurtosis(a, b, BetaMomentFormulas.True), a + b > 1e5 ? 1e-2 : 1e-6);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void TrueMedian_MatchesTheInverseCdf(double a, double b)
    {
        var expected = Beta.InvCDF(a, b, 0.5);
        Assert.Equal(expected, BetaMoments.Median(a, b, BetaMomentFormulas.True), 1e-9);
    }

    [Theory]
    [InlineData(0, 5, 0)]     // prior mean 0 (no positives anywhere), a category without positives: all mass at 0
    [InlineData(0, 0.5, 0)]
    [InlineData(7, 0, 1)]     // a category of only positives past the pseudo-count: all mass at 1
    public void TrueMedian_ZeroShape_IsThePointMassBoundary(double a, double b, double expected)
        => Assert.Equal(expected, BetaMoments.Median(a, b, BetaMomentFormulas.True));

    [Fact]
    public void ClosedFormMedian_AtTheSwitchShape_IsWithinTenBillionths()
    {
        // Justifies ClosedFormMedianShape: at the smallest shape that takes the closed form, it matches the CDF inverse.
        var a = BetaMoments.ClosedFormMedianShape;
        foreach (var b in new[] { a, 3 * a, 30 * a })
        {
            Assert.Equal(Beta.InvCDF(a, b, 0.5), (a - 1.0 / 3) / (a + b - 2.0 / 3), 1e-10);
        }
    }

    [Theory]
    [InlineData(2, 5, 0.2)]
    [InlineData(0.5, 3, 0)]
    [InlineData(3, 0.5, 1)]
    [InlineData(1, 1, 0.5)]
    [InlineData(0.5, 0.8, 0)]
    public void TrueMode_HandlesBoundaryShapes(double a, double b, double expected)
        => Assert.Equal(expected, BetaMoments.Mode(a, b, BetaMomentFormulas.True), 1e-12);

    [Fact]
    public void PaperFormulas_AreTheGivenExpressions()
    {
        // Paper (7) and (8) at α = 2, β = 5, by hand: (2−5)/√(2·5·8) = −0.33541; 10·8/(9·7·10) − 3 = −2.87302.
        Assert.Equal(-3 / Math.Sqrt(80), BetaMoments.Skewness(2, 5, BetaMomentFormulas.Paper), 1e-12);
        Assert.Equal(80.0 / 630 - 3, BetaMoments.Kurtosis(2, 5, BetaMomentFormulas.Paper), 1e-12);
        Assert.Equal((2 - 1 / 3.0) / (7 - 2 / 3.0), BetaMoments.Median(2, 5, BetaMomentFormulas.Paper), 1e-12);
        Assert.NotEqual(BetaMoments.Skewness(2, 5, BetaMomentFormulas.True), BetaMoments.Skewness(2, 5, BetaMomentFormulas.Paper), 3);
    }

    private static void AssertRelative(double expected, double actual, double tolerance)
        => Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected), $"expected {expected:R}, got {actual:R}");
}
