using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>How one split's distribution of a column differs from another's.</summary>
/// <param name="Psi">Population stability index over quantile bins of <paramref name="From"/> (categoricals: frequent values, "other", missing).</param>
/// <param name="Ks">Kolmogorov–Smirnov statistic of the non-missing values (numerics only).</param>
/// <param name="Unseen">Share of <paramref name="To"/>'s rows holding a value that <paramref name="From"/> never has.</param>
public sealed record ShiftScore(string From, string To, double Psi, double? Ks, double Unseen);

/// <summary>Shift scores between splits (paper 2.1.3: distributions of train, validation and test compared).</summary>
internal static class Shift
{
    /// <summary>Quantile bins of the reference split for PSI (the usual choice: deciles).</summary>
    public const int PsiBins = 10;

    /// <summary>A categorical value gets its own PSI bin when it holds at least this share of the reference rows.</summary>
    public const double OwnBinShare = 0.01;

    /// <summary>Proportions are floored at this before the logarithm, so an empty bin does not make PSI infinite.</summary>
    public const double PsiFloor = 1e-4;

    public static ShiftScore Compare(ColumnDistribution column, int from, int to, IReadOnlyList<string> names)
    {
        var reference = column.Counts[from];
        var bins = column.Kind == ColumnKind.Categorical ? CategoryBins(reference) : QuantileBins(reference, PsiBins);
        var binCount = bins.Max() + 2; // + the missing bin
        var expected = Proportions(column, from, bins, binCount);
        var actual = Proportions(column, to, bins, binCount);
        double? ks = column.Kind == ColumnKind.Categorical ? null : Ks(column.Counts[from], column.Counts[to]);
        long unseen = 0;
        var target = column.Counts[to];
        for (var i = 0; i < target.Length; i++)
        {
            if (reference[i] == 0) { unseen += target[i]; }
        }
        var rows = column.Rows(to);
        return new ShiftScore(names[from], names[to], Psi(expected, actual), ks, rows == 0 ? 0 : unseen / (double)rows);
    }

    /// <summary>PSI = Σ (a − e)·ln(a / e) over bins, proportions floored at <see cref="PsiFloor"/>.</summary>
    public static double Psi(IReadOnlyList<double> expected, IReadOnlyList<double> actual)
    {
        double psi = 0;
        for (var b = 0; b < expected.Count; b++)
        {
            if (expected[b] == 0 && actual[b] == 0) { continue; }
            var e = Math.Max(expected[b], PsiFloor);
            var a = Math.Max(actual[b], PsiFloor);
            psi += (a - e) * Math.Log(a / e);
        }
        return psi;
    }

    /// <summary>sup |F_a − F_b| of two count vectors over the same ascending values; null when either is empty.</summary>
    public static double? Ks(long[] a, long[] b)
    {
        double na = a.Sum(), nb = b.Sum();
        if (na == 0 || nb == 0) { return null; }
        double ca = 0, cb = 0, max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ca += a[i];
            cb += b[i];
            max = Math.Max(max, Math.Abs(ca / na - cb / nb));
        }
        return max;
    }

    /// <summary>Bin of each value: equal-count bins of the reference counts (ties stay in one bin); values past the reference's range join the end bins.</summary>
    internal static int[] QuantileBins(long[] reference, int binCount)
    {
        var bins = new int[reference.Length];
        double total = reference.Sum();
        long seen = 0;
        var bin = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            bins[i] = bin;
            seen += reference[i];
            // A new bin opens only while reference rows remain, so values past its range share the last bin.
            if (seen < total && seen >= total * (bin + 1) / binCount && bin < binCount - 1) { bin++; }
        }
        return bins;
    }

    /// <summary>Frequent reference values get a bin each; the rest (including values the reference lacks) share bin 0, "other".</summary>
    private static int[] CategoryBins(long[] reference)
    {
        var bins = new int[reference.Length];
        double total = reference.Sum();
        var next = 1;
        for (var i = 0; i < reference.Length; i++)
        {
            bins[i] = total > 0 && reference[i] >= total * OwnBinShare ? next++ : 0;
        }
        return bins;
    }

    private static double[] Proportions(ColumnDistribution column, int split, int[] bins, int binCount)
    {
        var p = new double[binCount];
        double rows = column.Rows(split);
        if (rows == 0) { return p; }
        var counts = column.Counts[split];
        for (var i = 0; i < counts.Length; i++) { p[bins[i]] += counts[i] / rows; }
        p[binCount - 1] = column.Missing[split] / rows;
        return p;
    }
}
