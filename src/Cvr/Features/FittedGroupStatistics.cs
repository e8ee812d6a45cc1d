namespace Cvr.Features;

/// <summary>
/// Method-notes preprocessing 5: 13 statistics of numeric B within groups of categorical A. Rows whose group
/// was not in the fitting rows get the statistics of all fitting rows (a documented fallback: with the default
/// training-only scope, new ad ids on the test day are common). Undefined values (std of one row, a ratio over
/// a zero mean) are NaN, which LightGBM treats as missing.
/// </summary>
public sealed record FittedGroupStatistics(string Group, string Value, IReadOnlyList<GroupStats> Groups, GroupStats All)
{
    /// <summary>Small constants of the authors' code, kept so ratios match theirs.</summary>
    private const double RatioEpsilon = 1e-5, ZScoreEpsilon = 1e-9;

    public static readonly string[] StatisticNames =
    [
        "mean", "median", "std", "max", "min", "ratio_mean", "ratio_median", "diff_mean", "zscore",
        "median_minus_mean", "abs_median_minus_mean", "median_over_mean", "std_over_mean",
    ];

    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> OutputNames => NamesOf(Group, Value);

    /// <summary>
    /// Rows per slice of the fit. The slices are cut from the data alone (never from the number of cores or
    /// threads) and merged in slice order, so the floating-point merges, and with them the fitted bits, are the
    /// same on every machine and at every degree of parallelism. 2^16 rows keep a slice's work well above the
    /// cost of merging it, and give dozens of slices on the challenge's millions of rows.
    /// </summary>
    internal const int SliceRows = 1 << 16;

    /// <summary>Fits over <paramref name="parts"/> (training rows, then any test rows) in slices of
    /// <paramref name="sliceRows"/>, accumulated in parallel and merged in order: the path of a sharded fit with one shard per part.</summary>
    internal static FittedGroupStatistics Fit(string group, string value, IReadOnlyList<(int[] Keys, float[] Values)> parts,
        ParallelOptions parallel, int sliceRows = SliceRows)
    {
        var slices = parts.Select((p, i) => GroupSlices.Of(i, 0, p.Keys, p.Values, sliceRows, parallel)).Aggregate((a, b) => a.Merge(b));
        return Of(group, value, slices);
    }

    /// <summary>The fitted statistics of the merged slices.</summary>
    internal static FittedGroupStatistics Of(string group, string value, GroupSlices slices)
    {
        var (groups, all) = slices.Finish().Finish();
        return new FittedGroupStatistics(group, value, groups, all);
    }

    /// <summary>The output names of the statistics of <paramref name="value"/> within groups of <paramref name="group"/>.</summary>
    internal static IEnumerable<string> NamesOf(string group, string value) => StatisticNames.Select(s => $"{value}_by_{group}_{s}");

    /// <summary>Writes the 13 output columns, in <see cref="StatisticNames"/> order.</summary>
    internal void Transform(int[] keys, float[] values, FeatureMatrix matrix, int firstColumn)
    {
        var rows = KeyIndex.Map(keys, Index);
        var data = matrix.Data;
        var n = matrix.Rows;
        var o = firstColumn * n;
        for (var i = 0; i < rows.Length; i++)
        {
            Write(StatsOf(rows[i]), values[i], data.AsSpan(o + i), n);
        }
    }

    /// <summary>Writes the 13 output columns of training rows as of their day <paramref name="day"/> (counted from
    /// the first training day): each row's group's statistics over the earlier days (<see cref="GroupDayTables"/>).</summary>
    internal void TransformAsOf(GroupDayTables tables, int[] keys, float[] values, int[] day, FeatureMatrix matrix, int firstColumn)
    {
        var rows = KeyIndex.Map(keys, Index);
        var data = matrix.Data;
        var n = matrix.Rows;
        var o = firstColumn * n;
        for (var i = 0; i < rows.Length; i++)
        {
            Write(tables.StatsOf(day[i], rows[i]), values[i], data.AsSpan(o + i), n);
        }
    }

    /// <summary>Fitted group index of each group key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    internal IReadOnlyDictionary<int, int> Index => _index ??= BuildIndex();

    private Dictionary<int, int>? _index;

    private Dictionary<int, int> BuildIndex()
    {
        var index = new Dictionary<int, int>(Groups.Count);
        for (var g = 0; g < Groups.Count; g++) { index[Groups[g].Key] = g; }
        return index;
    }

    /// <summary>The statistics of fitted group <paramref name="group"/>, or of all fitting rows for −1 (unseen).</summary>
    internal GroupStats StatsOf(int group) => group < 0 ? All : Groups[group];

    /// <summary>
    /// One row's 13 outputs from its group's statistics and its cleaned value <paramref name="b"/>, written to
    /// <paramref name="output"/>[k × <paramref name="stride"/>]: the per-element function of the batch transform
    /// (stride = rows, column-major) and of the per-row path (stride 1).
    /// </summary>
    internal static void Write(GroupStats s, double b, Span<float> output, int stride)
    {
        output[0] = Finite(s.Mean);
        output[stride] = Finite(s.Median);
        output[2 * stride] = Finite(s.Std);
        output[3 * stride] = Finite(s.Max);
        output[4 * stride] = Finite(s.Min);
        output[5 * stride] = Finite(b / (s.Mean + RatioEpsilon));
        output[6 * stride] = Finite(b / (s.Median + RatioEpsilon));
        output[7 * stride] = Finite(b - s.Mean);
        output[8 * stride] = Finite((b - s.Mean) / (s.Std + ZScoreEpsilon));
        output[9 * stride] = Finite(s.Median - s.Mean);
        output[10 * stride] = Finite(Math.Abs(s.Median - s.Mean));
        output[11 * stride] = Finite(s.Median / s.Mean);
        output[12 * stride] = Finite(s.Std / s.Mean);
    }

    /// <summary>
    /// The day scope: each day's rows get the statistics of that day's rows (fitted here, in the same slices and merge
    /// order as <see cref="Fit"/>, so the bits don't depend on threads), written through <see cref="Transform"/>.
    /// </summary>
    internal void TransformByDay(int[] keys, float[] values, int[] days, FeatureMatrix matrix, int firstColumn)
    {
        var byDay = new SortedDictionary<int, List<int>>();
        for (var r = 0; r < days.Length; r++)
        {
            if (!byDay.TryGetValue(days[r], out var list)) { byDay[days[r]] = list = []; }
            list.Add(r);
        }
        var width = StatisticNames.Length;
        foreach (var list in byDay.Values)
        {
            int[] rows = [.. list];
            var dayKeys = FeaturePipeline.Select(keys, rows);
            var dayValues = FeaturePipeline.Select(values, rows);
            var fitted = Fit(Group, Value, [(dayKeys, dayValues)], new ParallelOptions { MaxDegreeOfParallelism = 1 });
            var day = new FeatureMatrix(StatisticNames, rows.Length);
            fitted.Transform(dayKeys, dayValues, day, 0);
            for (var s = 0; s < width; s++)
            {
                var from = day.Column(s);
                var to = matrix.Column(firstColumn + s);
                for (var i = 0; i < rows.Length; i++) { to[rows[i]] = from[i]; }
            }
        }
    }

    private static float Finite(double v)
    {
        var f = (float)v;
        return float.IsFinite(f) ? f : float.NaN;
    }
}
