using Cvr.Data;

using Cvr.Tuning;

namespace Cvr.Analysis;

/// <summary>Duplicates within one split (paper Table 3).</summary>
/// <param name="Duplicates">Rows whose features equal an earlier row's: group size − 1, summed.</param>
/// <param name="Conflicts">Duplicate groups whose is_installed labels disagree; null without labels.</param>
public sealed record DuplicateSplit(string Split, long Rows, long Duplicates, long Groups, long? Conflicts, long? PaperDuplicates, long? PaperConflicts);

/// <summary>Test rows whose value of a column never occurs in the labelled days (paper 2.1.3: up to 29.5% for f_51, f_64).</summary>
public sealed record UnseenShare(string Column, double Share);

public sealed record DuplicateReport(string Definition, IReadOnlyList<DuplicateSplit> Splits, IReadOnlyList<UnseenShare> UnseenInTest);

/// <summary>
/// Finds rows with identical features (every column but the row id and the labels; is_clicked is ignored as in
/// the paper) by hashing each row, sorting the hashes and comparing the rows of equal hashes value by value, so a
/// hash collision can never merge two different rows.
/// </summary>
internal static class Duplicates
{
    public const string Definition = "rows with identical features (all f_* columns but the row id f_0, day included; is_clicked ignored); "
        + "duplicates = group size − 1 summed; conflicts = duplicate groups whose is_installed disagrees";

    /// <summary>Counts per split of <paramref name="frame"/>, whose rows belong to split <paramref name="splitOfRow"/>[row] (null: all to <paramref name="only"/>).</summary>
    public static IEnumerable<DuplicateSplit> Count(Frame frame, byte[]? splitOfRow, int only, IReadOnlyList<string> names, ParallelOptions parallel)
    {
        var hashes = Hash(frame, parallel);
        var order = Enumerable.Range(0, frame.RowCount).ToArray();
        Array.Sort(hashes, order);
        var split = (int r) => splitOfRow is null ? only : splitOfRow[r];
        var rows = new long[names.Count];
        var dups = new long[names.Count];
        var groups = new long[names.Count];
        var conflicts = new long[names.Count];
        for (var r = 0; r < frame.RowCount; r++) { rows[split(r)]++; }
        var installed = frame.HasLabels ? frame.Label(Schema.InstallLabel).Values : null;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && hashes[end] == hashes[start]) { end++; }
            if (end - start > 1)
            {
                foreach (var group in ExactGroups(frame, order.AsSpan(start, end - start).ToArray(), split))
                {
                    var s = split(group[0]);
                    dups[s] += group.Length - 1;
                    groups[s]++;
                    if (installed is not null && group.Any(r => installed[r] != installed[group[0]])) { conflicts[s]++; }
                }
            }
            start = end;
        }
        var present = splitOfRow is null ? [only] : Enumerable.Range(0, names.Count).Where(s => rows[s] > 0);
        return present.Select(s =>
        {
            var known = PaperTables.Duplicates.TryGetValue(names[s], out var paper);
            return new DuplicateSplit(names[s], rows[s], dups[s], groups[s], installed is null ? null : conflicts[s],
                known ? paper.Duplicates : null, known ? paper.Conflicts : null);
        }).ToArray();
    }

    /// <summary>Splits rows sharing a hash into groups of truly equal rows in the same split (groups of one dropped).</summary>
    private static IEnumerable<int[]> ExactGroups(Frame frame, int[] rows, Func<int, int> split)
    {
        var left = rows.ToList();
        while (left.Count > 1)
        {
            var head = left[0];
            var same = left.Where(r => split(r) == split(head) && Equal(frame, head, r)).ToArray();
            left.RemoveAll(same.Contains);
            if (same.Length > 1) { yield return same; }
        }
    }

    internal static bool Equal(Frame frame, int a, int b)
    {
        if (frame.Days[a] != frame.Days[b]) { return false; }
        foreach (var c in frame.Categoricals)
        {
            if (c.Codes[a] != c.Codes[b]) { return false; }
        }
        foreach (var c in frame.Numerics)
        {
            if (BitConverter.SingleToInt32Bits(c.Values[a]) != BitConverter.SingleToInt32Bits(c.Values[b])) { return false; }
        }
        return true;
    }

    /// <summary>A 64-bit hash of each row's features, built column by column (cache-friendly) over row ranges in parallel.</summary>
    private static ulong[] Hash(Frame frame, ParallelOptions parallel)
    {
        const int rangeSize = 1 << 16;
        var hashes = new ulong[frame.RowCount];
        var ranges = (frame.RowCount + rangeSize - 1) / rangeSize;
        Parallel.For(0, ranges, parallel, k =>
        {
            int from = k * rangeSize, to = Math.Min(frame.RowCount, from + rangeSize);
            var h = hashes.AsSpan(from, to - from);
            var days = frame.Days.AsSpan(from, to - from);
            for (var i = 0; i < h.Length; i++) { h[i] = Mix(0x9E3779B97F4A7C15UL, (uint)days[i]); }
            foreach (var c in frame.Categoricals)
            {
                var codes = c.Codes.AsSpan(from, to - from);
                for (var i = 0; i < h.Length; i++) { h[i] = Mix(h[i], (uint)codes[i]); }
            }
            foreach (var c in frame.Numerics)
            {
                var values = c.Values.AsSpan(from, to - from);
                for (var i = 0; i < h.Length; i++) { h[i] = Mix(h[i], (uint)BitConverter.SingleToInt32Bits(values[i])); }
            }
            for (var i = 0; i < h.Length; i++) { h[i] = Finish(h[i]); }
        });
        return hashes;
    }

    private static ulong Mix(ulong h, uint v) => (System.Numerics.BitOperations.RotateLeft(h, 23) ^ v) * 0xFF51AFD7ED558CCDUL;

    /// <summary>SplitMix64's finaliser, so the sort sees well-spread keys.</summary>
    private static ulong Finish(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Share of test rows whose value never occurs in train or validation, for the given columns.</summary>
    public static IReadOnlyList<UnseenShare> UnseenInTest(SplitLayout layout, IEnumerable<ColumnDistribution> columns)
    {
        if (layout.TestIndex is not { } t) { return []; }
        var labelled = layout.ValidationIndex is { } v ? new[] { 0, v } : [0];
        return columns.Select(c =>
        {
            var seen = c.Pooled(labelled);
            long unseen = 0;
            for (var i = 0; i < seen.Length; i++)
            {
                if (seen[i] == 0) { unseen += c.Counts[t][i]; }
            }
            return new UnseenShare(c.Name, c.Rows(t) == 0 ? 0 : unseen / (double)c.Rows(t));
        }).ToArray();
    }
}
