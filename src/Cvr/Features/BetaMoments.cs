namespace Cvr.Features;

/// <summary>
/// Statistics of a Beta(α, β) posterior (paper 3.2). The true moments by default; the paper's formulas (4),
/// (5), (7), (8) as an option (method-notes.md: its skewness and kurtosis are not the Beta's).
/// </summary>
public static class BetaMoments
{
    /// <summary>From this smaller shape on, Kerman's closed-form median (α − 1/3)/(α + β − 2/3) is within 1e-10 of the
    /// true one (its error falls as 1/shape²; the tests check it); below it Newton steps on the CDF refine it.</summary>
    public const double ClosedFormMedianShape = 1e4;

    private const int MedianNewtonSteps = 4;

    public static double Mean(double a, double b) => a / (a + b);

    public static double Variance(double a, double b)
    {
        var s = a + b;
        return a * b / (s * s * (s + 1));
    }

    public static double Mode(double a, double b, BetaMomentFormulas formulas)
    {
        if (formulas == BetaMomentFormulas.Paper || (a > 1 && b > 1))
        {
            return (a - 1) / (a + b - 2);
        }
        // Shapes at or below 1 put the mode on a boundary; a U shape (both below 1) has two, and the uniform none:
        // take the boundary with the larger density, or the middle when symmetric.
        if (a <= 1 && b > 1) { return 0; }
        if (a > 1 && b <= 1) { return 1; }
        return a == b ? 0.5 : a < b ? 0 : 1;
    }

    public static double Median(double a, double b, BetaMomentFormulas formulas)
    {
        // A zero shape is the limit of a point mass at a boundary: a prior mean of 0 (no positive in any fitting row:
        // no installs, or no likes) with a category of no positives gives α = 0, and a category of only positives past
        // the prior's pseudo-count gives β = 0. The inverse CDF is undefined there (MathNet throws on its NaN).
        if (formulas == BetaMomentFormulas.True && (a == 0 || b == 0))
        {
            return a == 0 && b == 0 ? double.NaN : a == 0 ? 0 : 1;
        }
        var closedForm = (a - 1.0 / 3) / (a + b - 2.0 / 3);
        if (formulas == BetaMomentFormulas.Paper || Math.Min(a, b) >= ClosedFormMedianShape)
        {
            return closedForm;
        }
        if (Math.Min(a, b) < 1)
        {
            // The closed form is no start for J- and U-shaped densities; invert the CDF directly.
            return MathNet.Numerics.Distributions.Beta.InvCDF(a, b, 0.5);
        }
        var logNorm = MathNet.Numerics.SpecialFunctions.BetaLn(a, b);
        var x = closedForm;
        for (var step = 0; step < MedianNewtonSteps; step++)
        {
            var cdf = MathNet.Numerics.SpecialFunctions.BetaRegularized(a, b, x);
            var pdf = Math.Exp((a - 1) * Math.Log(x) + (b - 1) * Math.Log(1 - x) - logNorm);
            var next = x - (cdf - 0.5) / pdf;
            if (!(next > 0 && next < 1)) { break; }
            x = next;
        }
        return x;
    }

    public static double Skewness(double a, double b, BetaMomentFormulas formulas)
    {
        if (formulas == BetaMomentFormulas.Paper)
        {
            return (a - b) / Math.Sqrt(a * b * (a + b + 1));
        }
        return 2 * (b - a) * Math.Sqrt(a + b + 1) / ((a + b + 2) * Math.Sqrt(a * b));
    }

    /// <summary>Excess kurtosis (0 for a normal distribution), or the paper's formula (8).</summary>
    public static double Kurtosis(double a, double b, BetaMomentFormulas formulas)
    {
        var s = a + b;
        if (formulas == BetaMomentFormulas.Paper)
        {
            return a * b * (s + 1) / ((s + 2) * s * (a * b)) - 3;
        }
        var d = a - b;
        return 6 * (d * d * (s + 1) - a * b * (s + 2)) / (a * b * (s + 2) * (s + 3));
    }

    public static double Of(BetaStatistic statistic, double a, double b, BetaMomentFormulas formulas) => statistic switch
    {
        BetaStatistic.Mean => Mean(a, b),
        BetaStatistic.Mode => Mode(a, b, formulas),
        BetaStatistic.Median => Median(a, b, formulas),
        BetaStatistic.Variance => Variance(a, b),
        BetaStatistic.Skewness => Skewness(a, b, formulas),
        BetaStatistic.Kurtosis => Kurtosis(a, b, formulas),
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, null),
    };
}
