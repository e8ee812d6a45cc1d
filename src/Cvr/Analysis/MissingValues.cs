using System.Numerics;
using Cvr.Data;

namespace Cvr.Analysis;

public sealed record MissingColumn(string Column, IReadOnlyDictionary<string, double> RateBySplit);

/// <summary>Columns missing together (paper 2.1.2; data-format.md: the ad numeric block, f_30 with f_31).</summary>
/// <param name="MinJaccard">The least overlap (|A∩B| / |A∪B| of the missing rows) between two members.</param>
/// <param name="AllMissingRateBySplit">Share of each split's rows where every member is missing.</param>
public sealed record MissingBlock(IReadOnlyList<string> Columns, double MinJaccard, IReadOnlyDictionary<string, double> AllMissingRateBySplit);

public sealed record MissingReport(IReadOnlyList<MissingColumn> Columns, IReadOnlyList<MissingBlock> Blocks, IReadOnlyList<string> NeverMissing);

/// <summary>Missing rates per column and split, and blocks of columns whose missing rows (nearly) coincide.</summary>
internal static class MissingValues
{
    /// <summary>Two columns belong to one block when their missing rows overlap at least this much (Jaccard).</summary>
    public const double BlockJaccard = 0.95;

    public static MissingReport Analyze(SplitLayout layout, IReadOnlyList<ColumnDistribution> columns)
    {
        var withMissing = columns.Where(c => c.Missing.Sum() > 0).ToArray();
        var rates = withMissing.Select(c => new MissingColumn(c.Name, Rates(layout, c.Missing, c))).ToArray();
        var masks = withMissing.Select(c => (c.Name, Mask(layout, c.Name))).ToArray();
        var blocks = Find(masks, BlockJaccard).Select(b =>
        {
            var all = masks.Where(m => b.Columns.Contains(m.Name)).Select(m => m.Item2).Aggregate(And);
            return new MissingBlock(b.Columns, b.MinJaccard, Rates(layout, CountBySplit(layout, all), columns[0]));
        }).ToArray();
        var never = columns.Where(c => c.Missing.Sum() == 0).Select(c => c.Name).ToArray();
        return new MissingReport(rates, blocks, never);
    }

    /// <summary>
    /// Groups columns whose missing masks overlap by at least <paramref name="threshold"/> (Jaccard), joining
    /// chains (single linkage); returns groups of two or more with their least pairwise overlap.
    /// </summary>
    internal static IReadOnlyList<(IReadOnlyList<string> Columns, double MinJaccard)> Find(
        IReadOnlyList<(string Name, ulong[] Mask)> masks, double threshold)
    {
        var n = masks.Count;
        var parent = Enumerable.Range(0, n).ToArray();
        int Root(int i) => parent[i] == i ? i : parent[i] = Root(parent[i]);
        var jaccard = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                jaccard[i, j] = jaccard[j, i] = Jaccard(masks[i].Mask, masks[j].Mask);
                if (jaccard[i, j] >= threshold) { parent[Root(i)] = Root(j); }
            }
        }
        return Enumerable.Range(0, n).GroupBy(Root).Where(g => g.Count() > 1).Select(g =>
        {
            var members = g.ToArray();
            var min = members.SelectMany(i => members.Where(j => j > i).Select(j => jaccard[i, j])).Min();
            return ((IReadOnlyList<string>)members.Select(i => masks[i].Name).ToArray(), min);
        }).ToArray();
    }

    internal static double Jaccard(ulong[] a, ulong[] b)
    {
        long both = 0, either = 0;
        for (var i = 0; i < a.Length; i++)
        {
            both += BitOperations.PopCount(a[i] & b[i]);
            either += BitOperations.PopCount(a[i] | b[i]);
        }
        return either == 0 ? 1 : both / (double)either;
    }

    private static ulong[] And(ulong[] a, ulong[] b) => a.Zip(b, (x, y) => x & y).ToArray();

    /// <summary>One bit per row (train frame rows, then test rows): set where the column is missing.</summary>
    private static ulong[] Mask(SplitLayout layout, string name)
    {
        var trainRows = layout.TrainFrame.RowCount;
        var total = trainRows + (layout.TestFrame?.RowCount ?? 0);
        var mask = new ulong[(total + 63) / 64];
        void Mark(Frame frame, int offset)
        {
            if (frame.TryGetCategorical(name, out var cat))
            {
                for (var r = 0; r < cat.Codes.Length; r++)
                {
                    if (cat.Codes[r] == CategoricalColumn.Missing) { mask[(r + offset) >> 6] |= 1UL << ((r + offset) & 63); }
                }
            }
            else if (frame.TryGetNumeric(name, out var num))
            {
                for (var r = 0; r < num.Values.Length; r++)
                {
                    if (float.IsNaN(num.Values[r])) { mask[(r + offset) >> 6] |= 1UL << ((r + offset) & 63); }
                }
            }
        }
        Mark(layout.TrainFrame, 0);
        if (layout.TestFrame is not null) { Mark(layout.TestFrame, trainRows); }
        return mask;
    }

    private static long[] CountBySplit(SplitLayout layout, ulong[] mask)
    {
        var counts = new long[layout.Count];
        var trainRows = layout.TrainFrame.RowCount;
        for (var w = 0; w < mask.Length; w++)
        {
            for (var bits = mask[w]; bits != 0; bits &= bits - 1)
            {
                var row = (w << 6) + BitOperations.TrailingZeroCount(bits);
                counts[row < trainRows ? layout.TrainSplitOfRow[row] : layout.TestIndex!.Value]++;
            }
        }
        return counts;
    }

    private static Dictionary<string, double> Rates(SplitLayout layout, long[] missing, ColumnDistribution any)
        => Enumerable.Range(0, layout.Count).ToDictionary(s => layout.Names[s], s => any.Rows(s) == 0 ? 0 : missing[s] / (double)any.Rows(s));
}
