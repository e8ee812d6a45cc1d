using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>
/// One column's value counts in every split, over the union of the splits' distinct values (ascending). Almost
/// every statistic of the report (cardinality, top values, base values, PSI, KS, unseen share, KDE) reads these
/// counts instead of the rows, so each column is scanned once.
/// </summary>
internal sealed class ColumnDistribution
{
    public ColumnDistribution(string name, ColumnKind kind, double[] values, long[][] counts, long[] missing)
    {
        Name = name;
        Kind = kind;
        Values = values;
        Counts = counts;
        Missing = missing;
    }

    public string Name { get; }

    public ColumnKind Kind { get; }

    /// <summary>Distinct non-missing values of all splits, ascending.</summary>
    public double[] Values { get; }

    /// <summary>Counts[split][i]: rows of that split holding <see cref="Values"/>[i].</summary>
    public long[][] Counts { get; }

    /// <summary>Missing rows per split.</summary>
    public long[] Missing { get; }

    public int SplitCount => Counts.Length;

    public long Rows(int split) => Missing[split] + Present(split);

    public long Present(int split) => Counts[split].Sum();

    /// <summary>Distinct values that occur in the split.</summary>
    public int Cardinality(int split) => Counts[split].Count(c => c > 0);

    /// <summary>Counts summed over the given splits.</summary>
    public long[] Pooled(params int[] splits)
    {
        var pooled = new long[Values.Length];
        foreach (var s in splits)
        {
            var c = Counts[s];
            for (var i = 0; i < pooled.Length; i++) { pooled[i] += c[i]; }
        }
        return pooled;
    }

    /// <summary>Builds a distribution from plain arrays (NaN = missing), one per split: for tests and small inputs.</summary>
    public static ColumnDistribution FromArrays(string name, ColumnKind kind, params double[][] splits)
    {
        var values = splits.SelectMany(s => s).Where(v => !double.IsNaN(v)).Distinct().Order().ToArray();
        var counts = new long[splits.Length][];
        var missing = new long[splits.Length];
        for (var s = 0; s < splits.Length; s++)
        {
            counts[s] = new long[values.Length];
            foreach (var v in splits[s])
            {
                if (double.IsNaN(v)) { missing[s]++; }
                else { counts[s][Array.BinarySearch(values, v)]++; }
            }
        }
        return new ColumnDistribution(name, kind, values, counts, missing);
    }
}
