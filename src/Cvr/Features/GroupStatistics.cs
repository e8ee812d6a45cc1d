namespace Cvr.Features;

/// <summary>
/// Sufficient statistics of a numeric column within groups, built so that parts of the data (threads here,
/// machines later) accumulate apart and <see cref="Merge"/>: counts, Chan et al.'s parallel mean/M2, min, max,
/// and exact per-(group, value) counts for the median.
/// </summary>
internal sealed class GroupAccumulator
{
    private readonly Dictionary<int, int> _groups = new();
    private readonly List<Moments> _moments = [];
    private readonly Dictionary<(int Group, float Value), long> _valueCounts = new();

    internal struct Moments
    {
        public long Count;
        public double Mean;
        public double M2;
        public float Min;
        public float Max;

        public void Add(float value)
        {
            if (Count == 0) { Min = Max = value; }
            else
            {
                if (value < Min) { Min = value; }
                if (value > Max) { Max = value; }
            }
            Count++;
            var delta = value - Mean;
            Mean += delta / Count;
            M2 += delta * (value - Mean);
        }

        public void Merge(Moments other)
        {
            if (other.Count == 0) { return; }
            if (Count == 0) { this = other; return; }
            var n = Count + other.Count;
            var delta = other.Mean - Mean;
            Mean += delta * other.Count / n;
            M2 += other.M2 + delta * delta * Count * other.Count / n;
            Count = n;
            Min = Math.Min(Min, other.Min);
            Max = Math.Max(Max, other.Max);
        }
    }

    public void Add(int key, float value)
    {
        if (!_groups.TryGetValue(key, out var g))
        {
            g = _moments.Count;
            _groups.Add(key, g);
            _moments.Add(default);
        }
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_moments);
        span[g].Add(value);
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_valueCounts, (key, value), out _);
        count++;
    }

    public void Merge(GroupAccumulator other)
    {
        foreach (var (key, g) in other._groups)
        {
            if (!_groups.TryGetValue(key, out var mine))
            {
                mine = _moments.Count;
                _groups.Add(key, mine);
                _moments.Add(default);
            }
            var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_moments);
            span[mine].Merge(other._moments[g]);
        }
        foreach (var (pair, count) in other._valueCounts)
        {
            ref var mine = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_valueCounts, pair, out _);
            mine += count;
        }
    }

    /// <summary>The serialised form (<see cref="PartialFormat"/>): each group's key and moments in the order groups were
    /// first seen, then the (group, value) counts in the dictionary's order; <see cref="Read"/> adds them back in that
    /// order, so the read accumulator is the written one entry for entry.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_groups.Count);
        foreach (var (key, g) in _groups)
        {
            var m = _moments[g];
            writer.Write(key);
            writer.Write(m.Count);
            writer.Write(m.Mean);
            writer.Write(m.M2);
            writer.Write(m.Min);
            writer.Write(m.Max);
        }
        writer.Write(_valueCounts.Count);
        foreach (var ((key, value), count) in _valueCounts)
        {
            writer.Write(key);
            writer.Write(value);
            writer.Write(count);
        }
    }

    /// <exception cref="InvalidDataException">Bytes that aren't an accumulator.</exception>
    public static GroupAccumulator Read(BinaryReader reader)
    {
        var acc = new GroupAccumulator();
        for (var n = reader.ReadCount(sizeof(int) + sizeof(long) + 2 * sizeof(double) + 2 * sizeof(float)); n > 0; n--)
        {
            var key = reader.ReadInt32();
            var m = new Moments { Count = reader.ReadInt64(), Mean = reader.ReadDouble(), M2 = reader.ReadDouble(), Min = reader.ReadSingle(), Max = reader.ReadSingle() };
            if (!acc._groups.TryAdd(key, acc._moments.Count)) { throw new InvalidDataException($"group {key} twice"); }
            acc._moments.Add(m);
        }
        for (var n = reader.ReadCount(sizeof(int) + sizeof(float) + sizeof(long)); n > 0; n--)
        {
            var pair = (reader.ReadInt32(), reader.ReadSingle());
            if (!acc._valueCounts.TryAdd(pair, reader.ReadInt64())) { throw new InvalidDataException($"group {pair.Item1}, value {pair.Item2} twice"); }
        }
        return acc;
    }

    /// <summary>Final per-group statistics, groups in ascending key order, plus the statistics of all values.</summary>
    public (GroupStats[] Groups, GroupStats All) Finish()
    {
        var keys = _groups.Keys.Order().ToArray();
        var values = new Dictionary<int, List<(float Value, long Count)>>();
        foreach (var ((key, value), count) in _valueCounts)
        {
            if (!values.TryGetValue(key, out var list)) { values[key] = list = []; }
            list.Add((value, count));
        }
        var all = new Moments();
        var stats = new GroupStats[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var m = _moments[_groups[keys[i]]];
            all.Merge(m);
            stats[i] = GroupStats.From(keys[i], m, Median(values[keys[i]], m.Count));
        }
        var pooled = _valueCounts.GroupBy(kv => kv.Key.Value).Select(g => (g.Key, g.Sum(kv => kv.Value))).ToList();
        return (stats, GroupStats.From(0, all, pooled.Count == 0 ? double.NaN : Median(pooled, all.Count)));
    }

    /// <summary>The median as pandas computes it: the middle value, or the mean of the two middle values.</summary>
    internal static double Median(List<(float Value, long Count)> counts, long total)
    {
        counts.Sort((a, b) => a.Value.CompareTo(b.Value));
        var lowIndex = (total - 1) / 2;
        var highIndex = total / 2;
        double? low = null;
        long seen = 0;
        foreach (var (value, count) in counts)
        {
            seen += count;
            if (low is null && seen > lowIndex) { low = value; }
            if (seen > highIndex) { return (low!.Value + value) / 2.0; }
        }
        return double.NaN;
    }
}

/// <summary>Statistics of one group (or of all rows, for unseen groups).</summary>
public sealed record GroupStats(int Key, long Count, double Mean, double Median, double Std, double Min, double Max)
{
    /// <summary>The statistics of no rows: every one undefined (missing), as as-of statistics are on the first
    /// training day, which has no earlier rows.</summary>
    internal static readonly GroupStats None = new(0, 0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    internal static GroupStats From(int key, GroupAccumulator.Moments m, double median)
        => new(key, m.Count, m.Mean, median,
            // pandas' std uses ddof = 1: undefined for a single row, which becomes a missing value.
            m.Count > 1 ? Math.Sqrt(m.M2 / (m.Count - 1)) : double.NaN,
            m.Min, m.Max);
}
