namespace Cvr.Tuning;

/// <summary>
/// The normal distribution N(mu, sigma^2) truncated to [low, high], as SciPy's truncnorm defines it (a and b are
/// the bounds in standard units). Ported in spirit from optuna/samplers/_tpe/_truncnorm.py: probabilities are kept
/// in log space and the quantile function inverts log Phi, so a truncation 30 sigmas into a tail still works.
/// </summary>
internal static class TruncatedNormal
{
    /// <summary>log of the density at x; -infinity outside [low, high].</summary>
    public static double LogPdf(double x, double mu, double sigma, double low, double high)
    {
        if (x < low || x > high)
        {
            return double.NegativeInfinity;
        }
        return Gaussian.LogPdf((x - mu) / sigma) - LogNormalizer(mu, sigma, low, high) - Math.Log(sigma);
    }

    /// <summary>log(Phi(b) - Phi(a)), the mass the truncation keeps; a kernel's constant, worth caching.</summary>
    public static double LogNormalizer(double mu, double sigma, double low, double high) =>
        Gaussian.LogMass((low - mu) / sigma, (high - mu) / sigma);

    /// <summary>P(X &lt;= x).</summary>
    public static double Cdf(double x, double mu, double sigma, double low, double high)
    {
        if (x <= low)
        {
            return 0;
        }
        if (x >= high)
        {
            return 1;
        }
        double a = (low - mu) / sigma, b = (high - mu) / sigma, z = (x - mu) / sigma;
        return Math.Exp(Gaussian.LogMass(a, z) - Gaussian.LogMass(a, b));
    }

    /// <summary>The quantile function in standard units: z in [a, b] with P(Z &lt;= z | a &lt;= Z &lt;= b) = q.</summary>
    public static double StandardPpf(double q, double a, double b)
    {
        if (q <= 0)
        {
            return a;
        }
        if (q >= 1)
        {
            return b;
        }
        double logMass = Gaussian.LogMass(a, b);
        double z;
        if (a < 0)
        {
            // Phi(z) = Phi(a) + q (Phi(b) - Phi(a)), solved in log space.
            z = Gaussian.InverseLogCdf(Gaussian.LogAddExp(Gaussian.LogCdf(a), Math.Log(q) + logMass));
        }
        else
        {
            // Mirror image: the same equation for -z in the left tail, where a >= 0 puts all the mass.
            z = -Gaussian.InverseLogCdf(Gaussian.LogAddExp(Gaussian.LogCdf(-b), Gaussian.Log1p(-q) + logMass));
        }
        return Math.Clamp(z, a, b);
    }

    public static double Ppf(double q, double mu, double sigma, double low, double high) =>
        Math.Clamp(mu + sigma * StandardPpf(q, (low - mu) / sigma, (high - mu) / sigma), low, high);

    /// <summary>One draw by inversion (one uniform per draw keeps the random streams easy to reason about).</summary>
    public static double Sample(ref TuningRng rng, double mu, double sigma, double low, double high) =>
        Ppf(rng.NextOpenDouble(), mu, sigma, low, high);
}
