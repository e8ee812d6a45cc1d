using Cvr.Data;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// Where one rank's training rows sit among every rank's, for one split (<see cref="DaySplit.Ranks"/>): rank r's are
/// positions [Ends[r − 1], Ends[r]) of Ends[^1] (rank 0's from 0), in frame order, which is the ranks' order.
/// </summary>
public sealed record RankRows
{
    public RankRows(int rank, int[] ends)
    {
        ArgumentNullException.ThrowIfNull(ends);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ends.Length);
        for (var r = 0; r < ends.Length; r++)
        {
            if (ends[r] < (r == 0 ? 0 : ends[r - 1])) { throw new ArgumentException("the ranks' ends must ascend from 0", nameof(ends)); }
        }
        Rank = rank;
        Ends = ends;
    }

    public int Rank { get; }

    /// <summary>Each rank's block's end among every rank's rows (cumulative).</summary>
    public int[] Ends { get; }

    public int Ranks => Ends.Length;

    /// <summary>Every rank's rows.</summary>
    public int Total => Ends[^1];

    /// <summary>The position of this rank's first row among every rank's.</summary>
    public int Offset => BlockOf(Rank).Start;

    /// <summary>This rank's rows: positions [Start, End).</summary>
    public (int Start, int End) Block => BlockOf(Rank);

    public (int Start, int End) BlockOf(int rank) => (rank == 0 ? 0 : Ends[rank - 1], Ends[rank]);

    /// <summary>The rows at positions p with p mod <paramref name="stride"/> = 0, as feature selection's probes take them:
    /// ⌈end ÷ stride⌉ of the rows before each block's end.</summary>
    public RankRows EveryKth(int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        return new RankRows(Rank, [.. Ends.Select(e => (int)(((long)e + stride - 1) / stride))]);
    }
}

/// <summary>
/// What one rank of a data-parallel job knows of every rank's shards once they have told each other (round
/// <c>shards</c> in the shared folder, before the network: <see cref="ClusterTraining"/>): rank r of n reads the train
/// shards ⌊F·r/n⌋ … ⌊F·(r+1)/n⌋ − 1 of F (by name), and only those; every rank's rows by day and liked rows by day; and
/// where this rank's own rows are in its frame (<see cref="FrameRange"/>), whose other rows are the other ranks' rows
/// of the validation day (round <c>rows</c>), in rank order, so every rank scores the whole validation day in the
/// order one machine does. The training rows of any set of days are then a contiguous block of positions per rank, in
/// rank order (<see cref="RowsOf"/>).
/// </summary>
public sealed record RankShards
{
    public RankShards(int rank, (int Start, int End) frameRange, IReadOnlyList<ShardDays> days)
    {
        ArgumentNullException.ThrowIfNull(days);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, days.Count);
        if (frameRange.Start < 0 || frameRange.End < frameRange.Start) { throw new ArgumentOutOfRangeException(nameof(frameRange)); }
        Rank = rank;
        FrameRange = frameRange;
        Days = days;
    }

    public int Rank { get; }

    public int Ranks => Days.Count;

    /// <summary>This rank's own rows in its frame: rows [Start, End).</summary>
    public (int Start, int End) FrameRange { get; }

    /// <summary>Each rank's labelled rows by day, in rank order.</summary>
    public IReadOnlyList<ShardDays> Days { get; }

    /// <summary>Every day with a row on some rank, ascending.</summary>
    public int[] AllDays() => DaysOf(Days);

    /// <summary>Every day with a row in any of <paramref name="days"/>, ascending.</summary>
    public static int[] DaysOf(IReadOnlyList<ShardDays> days) => [.. days.SelectMany(d => d.Rows.Keys).Distinct().Order()];

    /// <summary>Where this rank's rows of the days <paramref name="day"/> accepts sit among every rank's.</summary>
    public RankRows RowsOf(Func<int, bool> day)
    {
        var ends = new int[Ranks];
        long total = 0;
        for (var r = 0; r < Ranks; r++)
        {
            total += Days[r].Rows.Where(kv => day(kv.Key)).Sum(kv => (long)kv.Value);
            if (total > int.MaxValue) { throw new ConfigurationException($"more than {int.MaxValue:N0} training rows in all: cvr indexes rows by int32"); }
            ends[r] = (int)total;
        }
        return new RankRows(Rank, ends);
    }

    /// <summary>
    /// The ranks' ranges of this rank's frame of <paramref name="frameRows"/> rows for a feature fit (as
    /// <see cref="FeaturePipeline.FitSharded"/> takes them): this rank's own range is its shards' rows
    /// (<see cref="FrameRange"/>), every other rank's holds only that rank's rows of the validation day, which
    /// this rank never fits. Every rank's own ranges, one after the other, are the whole data set cut at the shards'
    /// boundaries, so the merged partial states are one machine's fit.
    /// </summary>
    public int[] FrameEnds(int frameRows)
    {
        var (start, end) = FrameRange;
        return [.. Enumerable.Range(0, Ranks).Select(r => r < Rank ? start : r == Rank ? end : frameRows)];
    }

    /// <summary>The shards rank <paramref name="rank"/> of <paramref name="ranks"/> reads of <paramref name="shards"/> (in
    /// name order): a contiguous run of them, ⌊F·r/n⌋ … ⌊F·(r+1)/n⌋ − 1.</summary>
    /// <exception cref="ConfigurationException">Fewer shards than ranks: some rank would read none.</exception>
    public static IReadOnlyList<string> Assign(IReadOnlyList<string> shards, int rank, int ranks)
    {
        ArgumentNullException.ThrowIfNull(shards);
        if (shards.Count < ranks)
        {
            throw new ConfigurationException($"{ranks} ranks but {shards.Count} train shard{(shards.Count == 1 ? "" : "s")}: each rank reads whole shards (files) of "
                + "train/, so a job needs at least as many shards as ranks; split the training data into more files or use fewer ranks");
        }
        var (first, end) = ((int)((long)shards.Count * rank / ranks), (int)((long)shards.Count * (rank + 1) / ranks));
        return [.. shards.Skip(first).Take(end - first)];
    }

    /// <summary>
    /// Refuses, before the network is opened, a split in which some rank has no training rows or no liked training rows
    /// (stage 2's rows): LightGBM can't bin an empty dataset, and the other ranks would wait for it. Every rank checks
    /// every rank from the same counts, so all of them stop with the same message.
    /// </summary>
    /// <exception cref="ConfigurationException">A rank has nothing to train on.</exception>
    public void CheckEveryRankHasRows(int validationDay)
    {
        for (var r = 0; r < Ranks; r++)
        {
            var rows = Days[r].Rows.Where(kv => kv.Key < validationDay).Sum(kv => (long)kv.Value);
            if (rows == 0)
            {
                throw new ConfigurationException(
                    $"rank {r} of {Ranks} has no training rows (days before validation day {validationDay}) in its shards ({Days[r].Describe()}): use fewer ranks, or shards that each hold rows of several days");
            }
            if (Days[r].Liked.Where(kv => kv.Key < validationDay).Sum(kv => (long)kv.Value) == 0)
            {
                throw new ConfigurationException(
                    $"rank {r} of {Ranks} has no liked training rows (clicked or installed) among its {rows:N0} training rows, so stage 2 (install given like) has nothing to bin there: use fewer ranks");
            }
        }
    }
}

/// <summary>One rank's shards: the labelled rows by day and the liked rows (clicked or installed) by day.</summary>
public sealed record ShardDays(IReadOnlyDictionary<int, int> Rows, IReadOnlyDictionary<int, int> Liked)
{
    /// <summary>The counts of a frame's rows.</summary>
    public static ShardDays Of(Frame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var like = Targets.Values(frame, Targets.Like);
        var rows = new SortedDictionary<int, int>();
        var liked = new SortedDictionary<int, int>();
        for (var i = 0; i < frame.RowCount; i++)
        {
            var day = frame.Days[i];
            rows[day] = rows.GetValueOrDefault(day) + 1;
            if (like[i] == 1) { liked[day] = liked.GetValueOrDefault(day) + 1; }
        }
        return new ShardDays(rows, liked);
    }

    internal void Write(BinaryWriter w)
    {
        w.WriteArray<int>([.. Rows.Keys]);
        w.WriteArray<int>([.. Rows.Values]);
        w.WriteArray<int>([.. Liked.Keys]);
        w.WriteArray<int>([.. Liked.Values]);
    }

    internal static ShardDays Read(BinaryReader r)
    {
        static SortedDictionary<int, int> Pairs(BinaryReader r)
        {
            var (keys, values) = (r.ReadArray<int>(), r.ReadArray<int>());
            if (keys.Length != values.Length) { throw new InvalidDataException($"{keys.Length} days but {values.Length} counts"); }
            var pairs = new SortedDictionary<int, int>();
            for (var i = 0; i < keys.Length; i++)
            {
                if (values[i] < 0 || !pairs.TryAdd(keys[i], values[i])) { throw new InvalidDataException($"day {keys[i]}: a repeated day or a negative count"); }
            }
            return pairs;
        }
        return new ShardDays(Pairs(r), Pairs(r));
    }

    /// <summary>"days 45..65, 12,345 rows", for messages.</summary>
    public string Describe() => Rows.Count == 0 ? "no rows" : $"days {Rows.Keys.Min()}..{Rows.Keys.Max()}, {Rows.Values.Sum(v => (long)v):N0} rows";
}
