namespace Cvr.Features;

/// <summary>The rows of each shard of a fit: shards are contiguous ranges of the frame's rows.</summary>
internal static class FitRanges
{
    /// <summary>One shard's rows: its fitting rows (null: every row of the frame), the position of the first among all
    /// fitting rows, and every row of its range (null: every row of the frame; the same array as the fitting rows
    /// when they are all of them).</summary>
    public sealed record Range(int[]? Fitting, long Offset, int[]? Labelled);

    /// <summary>The shards ending at <paramref name="ends"/> (ascending; the last one <paramref name="rowCount"/>).
    /// With one shard, the fitting rows are <paramref name="rows"/> as given; with several, <paramref name="rows"/>
    /// must be ascending, so each shard's fitting rows are a contiguous run of them.</summary>
    public static IReadOnlyList<Range> Cut(int rowCount, int[]? rows, IReadOnlyList<int> ends)
    {
        if (ends.Count == 0 || ends[^1] != rowCount)
        {
            throw new ArgumentException($"the shards must end at the frame's last row ({rowCount})", nameof(ends));
        }
        if (ends.Count == 1) { return [new Range(rows, 0, null)]; }
        for (var i = 1; rows is not null && i < rows.Length; i++)
        {
            if (rows[i] <= rows[i - 1]) { throw new ArgumentException("a sharded fit needs the fitting rows in ascending order", nameof(rows)); }
        }
        var ranges = new List<Range>();
        var (start, position) = (0, 0);
        foreach (var end in ends)
        {
            if (end < start) { throw new ArgumentException("the shards' ends must ascend", nameof(ends)); }
            int[] all = [.. Enumerable.Range(start, end - start)];
            var from = position;
            while (rows is not null && position < rows.Length && rows[position] < end) { position++; }
            ranges.Add(rows is null ? new Range(all, start, all) : new Range(rows[from..position], from, all));
            start = end;
        }
        return ranges;
    }
}
