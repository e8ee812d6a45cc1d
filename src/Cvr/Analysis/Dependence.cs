using System.Runtime.InteropServices;
using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>
/// How far a column is a function of a grouping (the ad id, the day), measured by Goodman and Kruskal's lambda:
/// the share of the errors made when guessing every row's value by the overall mode that guessing by the group's
/// mode removes. 1 = one value per group; 0 = knowing the group does not help. Unlike a plain "share of rows
/// equal to the group mode", lambda is not fooled by a column that is 99% zeros everywhere.
/// </summary>
internal static class Dependence
{
    /// <summary>Lambda of <paramref name="values"/> given <paramref name="groups"/> (same length); NaN when the values are constant.</summary>
    public static double Lambda(ReadOnlySpan<int> groups, ReadOnlySpan<long> values)
    {
        var pairs = new Dictionary<(int, long), int>();
        var overall = new Dictionary<long, int>();
        for (var i = 0; i < values.Length; i++)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(pairs, (groups[i], values[i]), out _)++;
            CollectionsMarshal.GetValueRefOrAddDefault(overall, values[i], out _)++;
        }
        var bestInGroup = new Dictionary<int, int>();
        foreach (var ((group, _), n) in pairs)
        {
            ref var best = ref CollectionsMarshal.GetValueRefOrAddDefault(bestInGroup, group, out _);
            if (n > best) { best = n; }
        }
        long total = values.Length;
        long modal = overall.Count == 0 ? 0 : overall.Values.Max();
        if (total == modal)
        {
            return double.NaN;
        }
        long byGroup = bestInGroup.Values.Sum(n => (long)n);
        return (byGroup - modal) / (double)(total - modal);
    }

    /// <summary>
    /// The correlation ratio η²: the share of a numeric column's variance that lies between groups (1 = one value
    /// per group). Computed on sign(v)·log(1 + |v|) so one heavy-tailed value cannot decide it, over every row
    /// (missing values and rows without a group skipped): one pass with per-group sums, no hashing. With G groups
    /// and N rows a column unrelated to the groups scores about G / N.
    /// </summary>
    public static double EtaSquared(int[] groups, int groupCount, float[] values)
    {
        var sum = new double[groupCount];
        var count = new long[groupCount];
        double total = 0, totalSquares = 0;
        long n = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var g = groups[i];
            var v = values[i];
            if (g < 0 || float.IsNaN(v)) { continue; }
            var t = Math.CopySign(Math.Log(1 + Math.Abs((double)v)), v);
            sum[g] += t;
            count[g]++;
            total += t;
            totalSquares += t * t;
            n++;
        }
        if (n == 0) { return double.NaN; }
        var mean = total / n;
        var within = totalSquares - n * mean * mean;
        if (within <= 1e-12 * Math.Max(1, totalSquares)) { return double.NaN; }
        double between = 0;
        for (var g = 0; g < groupCount; g++)
        {
            if (count[g] > 0) { between += sum[g] * sum[g] / count[g]; }
        }
        return Math.Clamp((between - n * mean * mean) / within, 0, 1);
    }

    /// <summary>Evenly spaced rows of a frame, at most <paramref name="limit"/>: deterministic, and spread over every shard and day.</summary>
    public static int[] SampleRows(int rowCount, int limit)
    {
        var stride = Math.Max(1, (int)Math.Ceiling(rowCount / (double)Math.Max(1, limit)));
        var rows = new int[(rowCount + stride - 1) / stride];
        for (var i = 0; i < rows.Length; i++) { rows[i] = i * stride; }
        return rows;
    }

    /// <summary>A comparable key per sampled row: the code of a categorical, the bits of a float (missing is one key).</summary>
    public static long[] Keys(Frame frame, ColumnSpec column, int[] rows)
    {
        var keys = new long[rows.Length];
        if (column.Kind == ColumnKind.Categorical)
        {
            var codes = frame.Categorical(column.Name).Codes;
            for (var i = 0; i < rows.Length; i++) { keys[i] = codes[rows[i]]; }
            return keys;
        }
        var values = frame.Numeric(column.Name).Values;
        for (var i = 0; i < rows.Length; i++)
        {
            var v = values[rows[i]];
            keys[i] = float.IsNaN(v) ? long.MinValue : BitConverter.SingleToInt32Bits(v == 0 ? 0f : v);
        }
        return keys;
    }
}
