using Cvr.Tuning;
using MathNet.Numerics.Distributions;

namespace Cvr.Tuning.Tests;

/// <summary>
/// Golden values computed independently with mpmath 1.3.0 at 50 significant digits from the exact binary value
/// of each double input (log(ncdf(x)), and
/// ncdf(b) - ncdf(a), or ncdf(-a) - ncdf(-b) for a &gt; 0 so that no digits cancel), rounded to 20 digits;
/// mid-range values are also checked against MathNet.Numerics' Normal distribution.
/// </summary>
public class GaussianTests
{
    [Theory]
    [InlineData(-1e10, -5.0000000000000000024e19)]
    [InlineData(-1000, -500007.82669481218431)]
    [InlineData(-40, -804.60844201375378817)]
    [InlineData(-20.5, -214.06672896326380017)]
    [InlineData(-19.5, -194.01696577749749941)]
    [InlineData(-10, -53.231285150512470578)]
    [InlineData(-1, -1.8410216450092635058)]
    [InlineData(0, -0.69314718055994530942)]
    [InlineData(1, -0.17275377902344988953)]
    [InlineData(5, -2.8665161296376359338e-7)]
    [InlineData(6.5, -4.0160005839397591118e-11)]
    [InlineData(10, -7.619853024160526066e-24)]
    public void LogCdf_AcrossTails_MatchesMpmath(double x, double expected) =>
        AssertRelative(expected, Gaussian.LogCdf(x), 1e-13);

    [Theory]
    [InlineData(-30, 4.9067139271481870595e-198)]
    [InlineData(-5, 2.8665157187919391167e-7)]
    [InlineData(-0.5, 0.30853753872598689636)]
    [InlineData(0.3, 0.61791142218895263307)]
    [InlineData(0.75, 0.77337264762313180067)]
    [InlineData(2, 0.9772498680518207928)]
    [InlineData(8, 0.9999999999999993779)]
    public void Cdf_AcrossTails_MatchesMpmath(double x, double expected) =>
        AssertRelative(expected, Gaussian.Cdf(x), 1e-14);

    [Fact]
    public void Cdf_Grid_MatchesMathNet()
    {
        for (double x = -8; x <= 8; x += 0.37)
        {
            AssertRelative(Normal.CDF(0, 1, x), Gaussian.Cdf(x), 1e-13);
        }
    }

    [Theory]
    [InlineData(-1, 1, -0.38171514630212607227)]
    [InlineData(0.5, 2, -1.2525070775159305728)]
    [InlineData(-40, -39, -765.08315656437754441)]
    [InlineData(30, 31, -454.32124395634325204)]
    [InlineData(-0.1, 0.1, -2.5300420015472384557)]
    [InlineData(1e-10, 2e-10, -23.944789463145129582)]
    [InlineData(5, 5.00000001, -31.839619308234508964)]
    [InlineData(-38, -37.999999, -736.73443009363375211)]
    [InlineData(-3, 40, -0.0013508099647481937988)]
    [InlineData(8, 1e100, -35.013437159914549896)]
    public void LogMass_TailsAndTinyWidths_MatchesMpmath(double a, double b, double expected) =>
        AssertRelative(expected, Gaussian.LogMass(a, b), 1e-12);

    [Fact]
    public void LogMass_WholeLine_IsZero() => Assert.Equal(0, Gaussian.LogMass(-50, 50), 15);

    [Fact]
    public void LogMass_EmptyOrReversed_IsMinusInfinityOrNaN()
    {
        Assert.Equal(double.NegativeInfinity, Gaussian.LogMass(0.3, 0.3));
        Assert.True(double.IsNaN(Gaussian.LogMass(1, 0)));
    }

    [Theory]
    [InlineData(-1e6)]
    [InlineData(-700)]
    [InlineData(-50)]
    [InlineData(-3)]
    [InlineData(-0.7)]
    [InlineData(-0.1)]
    [InlineData(-1e-8)]
    [InlineData(-1e-300)]
    public void InverseLogCdf_OfLogCdf_ReturnsTheLogProbability(double y) =>
        AssertRelative(y, Gaussian.LogCdf(Gaussian.InverseLogCdf(y)), 1e-12);

    [Fact]
    public void InverseLogCdf_Grid_MatchesMathNetQuantiles()
    {
        for (double p = 0.001; p < 1; p += 0.0437)
        {
            Assert.Equal(Normal.InvCDF(0, 1, p), Gaussian.InverseLogCdf(Math.Log(p)), 1e-11);
        }
    }

    [Theory]
    [InlineData(1e-12)]
    [InlineData(-1e-12)]
    [InlineData(0.5)]
    [InlineData(-30)]
    public void Log1pAndExpm1_SmallAndLarge_AgreeWithDirectFormulas(double x)
    {
        // For |x| >= 0.5 the direct formulas are exact enough to be the reference; for tiny x the series is x.
        double log1p = Math.Abs(x) < 1e-6 ? x - x * x / 2 : Math.Log(1 + x);
        double expm1 = Math.Abs(x) < 1e-6 ? x + x * x / 2 : Math.Exp(x) - 1;
        if (x > -1)
        {
            AssertRelative(log1p, Gaussian.Log1p(x), 1e-15);
        }
        AssertRelative(expm1, Gaussian.Expm1(x), 1e-15);
    }

    internal static void AssertRelative(double expected, double actual, double tolerance)
    {
        double error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), double.Epsilon);
        Assert.True(error <= tolerance, $"expected {expected:R}, got {actual:R} (relative error {error:G3} > {tolerance:G3})");
    }
}
