using Cvr.Tuning;
using MathNet.Numerics.Distributions;

namespace Cvr.Tuning.Tests;

/// <summary>
/// Golden values from mpmath 1.3.0 at 50 digits (inputs taken as their exact binary doubles) with scipy.stats.truncnorm's definitions: logpdf(x) =
/// log(npdf(z)) - log(mass(a, b)) - log(sigma); cdf(x) = mass(a, z) / mass(a, b); ppf(q) by 400 bisection steps
/// of that cdf at 60 digits. a, b, z are the bounds and x in standard units.
/// </summary>
public class TruncatedNormalTests
{
    [Theory]
    [InlineData(0.3, 0, 1, -1, 2, -0.7637722388802101585)]
    [InlineData(2.5, 1, 0.5, 0, 3, -4.7027460342501923032)]
    [InlineData(10.5, 0, 1, 10, 12, -2.8126533824590635311)]
    [InlineData(12, 0, 1, 10, 12, -19.687653382459063531)]
    [InlineData(-44.5, 0, 1, -45, -44, -18.340294502468029381)]
    [InlineData(0.7, 0.2, 0.001, 0.6999, 0.7002, -36.872832641044712239)]
    public void LogPdf_IncludingFarTails_MatchesMpmath(double x, double mu, double sigma, double low, double high, double expected) =>
        GaussianTests.AssertRelative(expected, TruncatedNormal.LogPdf(x, mu, sigma, low, high), 1e-11);

    [Fact]
    public void LogPdf_Grid_MatchesMathNetNormalRenormalised()
    {
        const double mu = 0.4, sigma = 0.7, low = -0.5, high = 1.2;
        double mass = Normal.CDF(mu, sigma, high) - Normal.CDF(mu, sigma, low);
        for (double x = low; x <= high; x += 0.1)
        {
            Assert.Equal(Normal.PDFLn(mu, sigma, x) - Math.Log(mass), TruncatedNormal.LogPdf(x, mu, sigma, low, high), 1e-12);
        }
    }

    [Fact]
    public void LogPdf_OutsideTheBounds_IsMinusInfinity()
    {
        Assert.Equal(double.NegativeInfinity, TruncatedNormal.LogPdf(-1.0001, 0, 1, -1, 2));
        Assert.Equal(double.NegativeInfinity, TruncatedNormal.LogPdf(2.0001, 0, 1, -1, 2));
    }

    [Theory]
    [InlineData(0.3, -1, 2, 0.56103003896623232258)]
    [InlineData(10.5, 10, 12, 0.99433190361090492524)]
    [InlineData(-44.5, -45, -44, 2.4340654578280596299e-10)]
    [InlineData(31, 30, 35, 0.99999999999994507016)]
    public void Cdf_IncludingFarTails_MatchesMpmath(double x, double a, double b, double expected) =>
        GaussianTests.AssertRelative(expected, TruncatedNormal.Cdf(x, 0, 1, a, b), 1e-11);

    [Theory]
    [InlineData(0.5, -1, 2, 0.17116391801782478155)]
    [InlineData(0.01, -1, 2, -0.9667232518503337535)]
    [InlineData(0.999, -1, 2, 1.9850630859441683596)]
    [InlineData(0.5, 10, 12, 10.068411836058495545)]
    [InlineData(0.9, 10, 12, 10.22552681099891192)]
    [InlineData(0.5, -45, -44, -44.015742407257580027)]
    [InlineData(0.25, 30, 1e6, 30.009577257491086399)]
    [InlineData(0.3, -3, 40, -0.52168473146613164593)]
    public void StandardPpf_IncludingFarTails_MatchesMpmath(double q, double a, double b, double expected) =>
        GaussianTests.AssertRelative(expected, TruncatedNormal.StandardPpf(q, a, b), 1e-12);

    [Fact]
    public void StandardPpf_TinySymmetricWidth_StaysInsideAndNearTheMiddle()
    {
        double z = TruncatedNormal.StandardPpf(0.5, -1e-9, 1e-9);
        Assert.InRange(z, -1e-9, 1e-9);
        Assert.True(Math.Abs(z) < 1e-15, $"median of a symmetric interval should be ~0, got {z:R}");
    }

    [Theory]
    [InlineData(0, 1, -1, 2)]
    [InlineData(0, 1, 8, 9)]
    [InlineData(0, 1, -38, -37.5)]
    [InlineData(0.2, 0.001, 0.6999, 0.7002)]
    [InlineData(5, 1e-6, 5, 5 + 1e-9)]
    public void Ppf_ThenCdf_ReturnsTheQuantile(double mu, double sigma, double low, double high)
    {
        foreach (double q in new[] { 0.001, 0.1, 0.5, 0.9, 0.999 })
        {
            double x = TruncatedNormal.Ppf(q, mu, sigma, low, high);
            Assert.InRange(x, low, high);
            Assert.Equal(q, TruncatedNormal.Cdf(x, mu, sigma, low, high), 6);
        }
    }

    [Fact]
    public void Sample_ManyDraws_MatchTheDistributionsMean()
    {
        // Mean of N(0,1) truncated to [-1, 2]: (phi(a) - phi(b)) / (Phi(b) - Phi(a)), from MathNet.
        double expected = (Normal.PDF(0, 1, -1) - Normal.PDF(0, 1, 2)) / (Normal.CDF(0, 1, 2) - Normal.CDF(0, 1, -1));
        var rng = new TuningRng(7);
        double sum = 0;
        const int n = 20000;
        for (int i = 0; i < n; i++)
        {
            double x = TruncatedNormal.Sample(ref rng, 0, 1, -1, 2);
            Assert.InRange(x, -1, 2);
            sum += x;
        }
        // Standard error of the mean is about 0.006; 0.03 is five of them.
        Assert.Equal(expected, sum / n, 0.03);
    }
}
