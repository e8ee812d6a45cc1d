namespace Cvr.Features;

/// <summary>
/// "Seen before this day" for the label-free keyed steps' training rows (<c>crosses_encoding</c> and
/// <c>group_statistics.encoding</c> <c>as_of</c>): a training row on day d gets what a fit on the training rows of
/// days before d gives it, so a pair or group new on its day looks as a new one does on the test day. A cross keeps
/// the full fit's code of a pair seen on an earlier day and gives <see cref="FittedCross.Unseen"/> to one first seen
/// on day d or later (a fit on the earlier days would number its pairs apart, so the same pair would get another
/// code on every day and none of them the one test rows get); group statistics are those of the group's rows of the
/// earlier days, the statistics of all the earlier days' rows for a group none of them had, and undefined (NaN) on
/// the first training day, which has no earlier rows. The tables are built once per step from every fitting row, in
/// row order on one thread, and shared by every chunk: a row's values depend on the fit and the row alone.
/// </summary>
internal sealed class SeenBefore(TrainingDays days, FeatureInputs fitting)
{
    private readonly Dictionary<object, Lazy<object>> _tables = new(ReferenceEqualityComparer.Instance);

    public TrainingDays Days { get; } = days;

    /// <summary>For each code of <paramref name="cross"/>, the first fitting day (counted from the first) with its pair:
    /// from every fitting row, or as given to <see cref="SetFirstDays"/>.</summary>
    public int[] FirstDays(FittedCross cross) => Table(cross, () => FirstDaysOf(cross, fitting));

    /// <summary>For each code of <paramref name="cross"/>, the first day (counted from the first fitting day) of
    /// <paramref name="rows"/> (some of the fitting rows: a rank's block) with its pair, <see cref="int.MaxValue"/> for
    /// none: the element-wise least over blocks of the fitting rows is <see cref="FirstDays"/>.</summary>
    public int[] FirstDaysOf(FittedCross cross, FeatureInputs rows)
    {
        var codes = rows.Keys(cross.Name);
        var day = Days.IndexOf(rows);
        var first = new int[cross.Pairs.Length];
        Array.Fill(first, int.MaxValue);
        for (var r = 0; r < codes.Length; r++)
        {
            if (day[r] < first[codes[r]]) { first[codes[r]] = day[r]; }
        }
        return first;
    }

    /// <summary>Sets a cross's first days from every fitting row's (every rank's blocks', merged), so they are not read
    /// from every fitting row.</summary>
    public void SetFirstDays(FittedCross cross, int[] firstDays)
    {
        lock (_tables) { _tables[cross] = new Lazy<object>(() => firstDays); }
    }

    /// <summary>The code of a training row's pair on its day <paramref name="day"/>: the full fit's code when the pair
    /// was seen on an earlier day, <see cref="FittedCross.Unseen"/> otherwise.</summary>
    public static int Code(int[] firstDays, int code, int day) => code >= 0 && firstDays[code] < day ? code : FittedCross.Unseen;

    /// <summary>The group statistics of every day's earlier rows (<see cref="GroupDayTables"/>).</summary>
    public GroupDayTables Statistics(FittedGroupStatistics fitted) => Table(fitted, () =>
        GroupDayTables.Build(fitted, fitting.Keys(fitted.Group), fitting.Numeric(fitted.Value), Days.IndexOf(fitting), Days.Count));

    private T Table<T>(object step, Func<T> build) where T : class
    {
        Lazy<object> table;
        lock (_tables)
        {
            if (!_tables.TryGetValue(step, out table!)) { _tables[step] = table = new Lazy<object>(build); }
        }
        return (T)table.Value;
    }
}

/// <summary>
/// As-of group statistics: for each day (counted from the first fitting day), each fitted group's statistics over the
/// fitting rows of the days before it (null: none of them had the group) and those of all of them.
/// </summary>
internal sealed class GroupDayTables(GroupStats?[][] groups, GroupStats[] all)
{
    /// <summary>The statistics a row of fitted group <paramref name="group"/> (−1: unseen in the full fit) gets on
    /// day <paramref name="day"/>: its group's over the earlier days, or all of the earlier days' rows'.</summary>
    public GroupStats StatsOf(int day, int group) => (group >= 0 ? groups[day][group] : null) ?? all[day];

    /// <summary>
    /// Adds the rows day by day, in row order, to running moments and value counts; before each day, the groups the
    /// previous day touched are finished again. A day's table shares the statistics of untouched groups with the day
    /// before, so memory is one reference per (day, group) plus one record per (day, touched group).
    /// </summary>
    public static GroupDayTables Build(FittedGroupStatistics fitted, int[] keys, float[] values, int[] days, int dayCount)
    {
        var group = KeyIndex.Map(keys, fitted.Index);
        var byDay = new List<int>[dayCount];
        for (var t = 0; t < dayCount; t++) { byDay[t] = []; }
        for (var r = 0; r < days.Length; r++) { byDay[days[r]].Add(r); }
        var moments = new GroupAccumulator.Moments[fitted.Groups.Count];
        var counts = new Dictionary<float, long>?[fitted.Groups.Count];
        var allMoments = new GroupAccumulator.Moments();
        var allCounts = new Dictionary<float, long>();
        var tables = new GroupStats?[dayCount][];
        var all = new GroupStats[dayCount];
        var current = new GroupStats?[fitted.Groups.Count];
        var touched = new SortedSet<int>();
        for (var t = 0; t < dayCount; t++)
        {
            if (t > 0 && touched.Count > 0)
            {
                current = (GroupStats?[])current.Clone();
                foreach (var g in touched)
                {
                    current[g] = GroupStats.From(fitted.Groups[g].Key, moments[g], Median(counts[g]!, moments[g].Count));
                }
                touched.Clear();
            }
            tables[t] = current;
            all[t] = allMoments.Count == 0 ? GroupStats.None : GroupStats.From(0, allMoments, Median(allCounts, allMoments.Count));
            foreach (var r in byDay[t])
            {
                // Every fitting row's group is in the full fit, which holds every fitting row.
                var g = group[r];
                var v = values[r];
                moments[g].Add(v);
                Count(counts[g] ??= [], v);
                allMoments.Add(v);
                Count(allCounts, v);
                touched.Add(g);
            }
        }
        return new GroupDayTables(tables, all);
    }

    private static void Count(Dictionary<float, long> counts, float value)
    {
        ref var count = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, value, out _);
        count++;
    }

    private static double Median(Dictionary<float, long> counts, long total)
        => GroupAccumulator.Median([.. counts.Select(kv => (kv.Key, kv.Value))], total);
}
