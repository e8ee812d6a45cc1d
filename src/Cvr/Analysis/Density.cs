using Cvr.Data;

namespace Cvr.Analysis;

public sealed record DensityCurve(string Split, IReadOnlyList<double> Y);

/// <summary>
/// What Figure 1 plots for one column. Numerics: a Gaussian KDE per split on a common grid (x in the column's
/// units, or log1p of them for heavy-tailed counts). Categoricals: each split's share of the train split's most
/// frequent values (x = rank, <see cref="Labels"/> = the values), since a KDE over hashed ids means nothing.
/// </summary>
/// <param name="ClippedShare">Share of the non-missing rows outside the plotted range (the paper cut f_64 above 3e8 the same way).</param>
public sealed record Density(string Kind, string Transform, IReadOnlyList<double> X, IReadOnlyList<DensityCurve> Curves,
    double Bandwidth, double ClippedShare, IReadOnlyList<double>? Labels);

/// <summary>Density curves from the value counts (never from the rows, so 3.5 million rows cost what their distinct values cost).</summary>
internal static class Densities
{
    public const int GridPoints = 160;

    /// <summary>Tails cut from the plotted range on each side.</summary>
    public const double TailQuantile = 0.005;

    /// <summary>Top categories shown for a categorical.</summary>
    public const int TopCategories = 30;

    /// <summary>A nonnegative column whose upper plotted quantile is this many times its 75th percentile (plus one) is plotted on log1p.</summary>
    public const double SkewRatio = 20;

    public static Density? Of(ColumnDistribution column, IReadOnlyList<string> names)
        => column.Kind == ColumnKind.Categorical ? Frequencies(column, names) : Kde(column, names);

    private static Density? Frequencies(ColumnDistribution column, IReadOnlyList<string> names)
    {
        var reference = column.Counts[0];
        var top = Enumerable.Range(0, reference.Length).OrderByDescending(i => reference[i]).ThenBy(i => i)
            .Take(TopCategories).Where(i => reference[i] > 0).ToArray();
        if (top.Length == 0) { return null; }
        var curves = names.Select((n, s) =>
        {
            double rows = Math.Max(1, column.Rows(s));
            return new DensityCurve(n, top.Select(i => column.Counts[s][i] / rows).ToArray());
        }).ToArray();
        return new Density("frequency", "none", top.Select((_, r) => (double)(r + 1)).ToArray(), curves, 0, 0,
            top.Select(i => column.Values[i]).ToArray());
    }

    private static Density? Kde(ColumnDistribution column, IReadOnlyList<string> names)
    {
        var pooled = column.Pooled(Enumerable.Range(0, column.SplitCount).ToArray());
        long total = pooled.Sum();
        if (column.Values.Length < 2 || total == 0) { return null; }
        var values = column.Values;
        var lo = Quantile(values, pooled, TailQuantile);
        var hi = Quantile(values, pooled, 1 - TailQuantile);
        if (hi <= lo) { (lo, hi) = (values[0], values[^1]); }
        var log = values[0] >= 0 && hi > SkewRatio * (Quantile(values, pooled, 0.75) + 1);
        Func<double, double> t = log ? v => Math.Log(1 + v) : v => v;
        double tlo = t(lo), thi = t(hi), step = (thi - tlo) / (GridPoints - 1);
        var x = Enumerable.Range(0, GridPoints).Select(g => tlo + g * step).ToArray();
        var bandwidth = Math.Max(step, Silverman(values, column.Counts[0], t));
        long clipped = 0;
        var curves = new DensityCurve[column.SplitCount];
        for (var s = 0; s < column.SplitCount; s++)
        {
            var hist = new double[GridPoints];
            double inRange = 0;
            var counts = column.Counts[s];
            for (var i = 0; i < values.Length; i++)
            {
                if (counts[i] == 0) { continue; }
                if (values[i] < lo || values[i] > hi) { clipped += counts[i]; continue; }
                hist[Math.Clamp((int)Math.Round((t(values[i]) - tlo) / step), 0, GridPoints - 1)] += counts[i];
                inRange += counts[i];
            }
            curves[s] = new DensityCurve(names[s], Smooth(hist, inRange, step, bandwidth));
        }
        return new Density("kde", log ? "log1p" : "none", x, curves, bandwidth, clipped / (double)total, null);
    }

    /// <summary>Gaussian kernel over the binned counts, normalised so each curve integrates to 1 over the plotted range.</summary>
    private static double[] Smooth(double[] hist, double n, double step, double bandwidth)
    {
        var y = new double[hist.Length];
        if (n == 0) { return y; }
        var norm = 1 / (n * bandwidth * Math.Sqrt(2 * Math.PI));
        for (var g = 0; g < y.Length; g++)
        {
            double sum = 0;
            for (var b = 0; b < hist.Length; b++)
            {
                if (hist[b] == 0) { continue; }
                var z = (g - b) * step / bandwidth;
                sum += hist[b] * Math.Exp(-0.5 * z * z);
            }
            y[g] = sum * norm;
        }
        return y;
    }

    /// <summary>Silverman's rule, 0.9·min(σ, IQR/1.34)·n^(-1/5), on the transformed values of the train split.</summary>
    private static double Silverman(double[] values, long[] counts, Func<double, double> t)
    {
        double n = counts.Sum();
        if (n < 2) { return 0; }
        double mean = 0, m2 = 0;
        for (var i = 0; i < values.Length; i++) { mean += counts[i] * t(values[i]); }
        mean /= n;
        for (var i = 0; i < values.Length; i++) { m2 += counts[i] * Math.Pow(t(values[i]) - mean, 2); }
        var sd = Math.Sqrt(m2 / (n - 1));
        var iqr = (t(Quantile(values, counts, 0.75)) - t(Quantile(values, counts, 0.25))) / 1.34;
        var spread = iqr > 0 ? Math.Min(sd, iqr) : sd;
        return 0.9 * spread * Math.Pow(n, -0.2);
    }

    /// <summary>The smallest value whose cumulative count reaches q of the total.</summary>
    internal static double Quantile(double[] values, long[] counts, double q)
    {
        double total = counts.Sum(), seen = 0;
        for (var i = 0; i < values.Length; i++)
        {
            seen += counts[i];
            if (seen >= q * total && counts[i] > 0) { return values[i]; }
        }
        return values[^1];
    }
}
