using System.Text.Json.Serialization;

namespace Cvr.Features;

/// <summary>
/// Time-aware statistics of one key (a categorical column, or several joined with '@'): per labelled day, how many
/// rows carried each key value, how many of them were liked and how many installed. A row on day d reads only days
/// before d — its own label and its own day's labels never reach it — so the step is fitted on every labelled row
/// of the frame, the validation day included: the validation day's rows still see only the training days, and the
/// test day sees every labelled day, as it will in production. A key new on the row's day (30 % of the test day's
/// ads) has no history, and neither had the training rows on ads that were new on their day: the models learn how
/// new keys behave instead of extrapolating to statistics no training row had.
/// </summary>
/// <remarks>
/// The fitted state is sparse (key, day) counts, which add up across shards (<see cref="Merge"/>). Windows count
/// labelled days back from the row's day: the window of k days for a row on day d covers days d−k..d−1, clipped to
/// the labelled days; a day after the last labelled day reads the last labelled days (so serving a later day keeps the
/// features' meaning). A window of 0 is every earlier labelled day.
/// </remarks>
public sealed record FittedHistory(
    string Key,
    IReadOnlyList<int> Windows,
    IReadOnlyList<HistoryStatistic> Statistics,
    double PriorRows,
    bool FirstSeen,
    bool SameDay,
    int FirstDay,
    int LastDay,
    long[] Keys,
    int[] EntryKey,
    int[] EntryDay,
    int[] Impressions,
    int[] Likes,
    int[] Installs)
{
    private Tables? _tables;

    /// <summary>The columns a key reads, in order.</summary>
    [JsonIgnore] public string[] Columns => HistoryKeys.Columns(Key);

    [JsonIgnore] public int Width => Windows.Count * Statistics.Count + (FirstSeen ? 2 : 0) + (SameDay ? 1 : 0);

    [JsonIgnore]
    public IEnumerable<string> OutputNames => NamesOf(Key, Windows, Statistics, FirstSeen, SameDay);

    /// <summary>The output names of a key's history with these settings.</summary>
    internal static IEnumerable<string> NamesOf(string key, IReadOnlyList<int> windows, IReadOnlyList<HistoryStatistic> statistics, bool firstSeen, bool sameDay)
    {
        foreach (var w in windows)
        {
            foreach (var s in statistics) { yield return $"{key}_{Name(s)}_{WindowName(w)}"; }
        }
        if (firstSeen)
        {
            yield return $"{key}_days_since_first_seen";
            yield return $"{key}_never_seen";
        }
        if (sameDay) { yield return $"{key}_day_share"; }
    }

    internal static string WindowName(int days) => days == 0 ? "all" : $"{days}d";

    internal static string Name(HistoryStatistic s) => s switch
    {
        HistoryStatistic.Impressions => "impressions",
        HistoryStatistic.Likes => "likes",
        HistoryStatistic.Installs => "installs",
        HistoryStatistic.LikeRate => "like_rate",
        _ => "install_rate",
    };

    /// <summary>Counts of <paramref name="keys"/> per day over labelled rows.</summary>
    internal static FittedHistory Fit(string key, HistoryConfig config, long[] keys, int[] days, byte[] likes, byte[] installs)
    {
        if (keys.Length == 0)
        {
            return new FittedHistory(key, config.Windows, config.Statistics, config.PriorRows, config.FirstSeen, config.SameDay, 0, -1, [], [], [], [], [], []);
        }
        int first = int.MaxValue, last = int.MinValue;
        foreach (var d in days)
        {
            if (d < first) { first = d; }
            if (d > last) { last = d; }
        }
        var counts = new Dictionary<(long Key, int Day), (int Rows, int Likes, int Installs)>();
        for (var r = 0; r < keys.Length; r++)
        {
            ref var c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, (keys[r], days[r]), out _);
            c = (c.Rows + 1, c.Likes + likes[r], c.Installs + installs[r]);
        }
        return FromCounts(key, config.Windows, config.Statistics, config.PriorRows, config.FirstSeen, config.SameDay, first, last, counts);
    }

    /// <summary>The sum of two fits of the same key and settings over disjoint rows (shards): the same state as one fit
    /// over both.</summary>
    public static FittedHistory Merge(FittedHistory a, FittedHistory b)
    {
        if (a.Key != b.Key || !a.Windows.SequenceEqual(b.Windows) || !a.Statistics.SequenceEqual(b.Statistics)
            || a.PriorRows != b.PriorRows || a.FirstSeen != b.FirstSeen || a.SameDay != b.SameDay)
        {
            throw new ArgumentException($"history of {a.Key} and of {b.Key}: different settings can't be merged");
        }
        if (a.Keys.Length == 0) { return b; }
        if (b.Keys.Length == 0) { return a; }
        var counts = new Dictionary<(long Key, int Day), (int Rows, int Likes, int Installs)>();
        foreach (var h in new[] { a, b })
        {
            for (var e = 0; e < h.EntryKey.Length; e++)
            {
                ref var c = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, (h.Keys[h.EntryKey[e]], h.EntryDay[e]), out _);
                c = (c.Rows + h.Impressions[e], c.Likes + h.Likes[e], c.Installs + h.Installs[e]);
            }
        }
        return FromCounts(a.Key, a.Windows, a.Statistics, a.PriorRows, a.FirstSeen, a.SameDay,
            Math.Min(a.FirstDay, b.FirstDay), Math.Max(a.LastDay, b.LastDay), counts);
    }

    /// <summary>The canonical state: keys ascending, entries by key then day, so equal counts give equal bytes.</summary>
    private static FittedHistory FromCounts(string key, IReadOnlyList<int> windows, IReadOnlyList<HistoryStatistic> statistics, double priorRows,
        bool firstSeen, bool sameDay, int first, int last, Dictionary<(long Key, int Day), (int Rows, int Likes, int Installs)> counts)
    {
        var entries = counts.Keys.ToArray();
        Array.Sort(entries);
        var distinct = new List<long>();
        var entryKey = new int[entries.Length];
        var entryDay = new int[entries.Length];
        var rows = new int[entries.Length];
        var liked = new int[entries.Length];
        var installed = new int[entries.Length];
        for (var e = 0; e < entries.Length; e++)
        {
            if (distinct.Count == 0 || distinct[^1] != entries[e].Key) { distinct.Add(entries[e].Key); }
            entryKey[e] = distinct.Count - 1;
            entryDay[e] = entries[e].Day;
            (rows[e], liked[e], installed[e]) = counts[entries[e]];
        }
        return new FittedHistory(key, windows, statistics, priorRows, firstSeen, sameDay, first, last, [.. distinct], entryKey, entryDay, rows, liked, installed);
    }

    /// <summary>Builds the lookup tables now rather than on the first row (servers call it at load).</summary>
    internal void Prepare() => _tables ??= new Tables(this);

    /// <summary>The dense index of a key value, −1 when no labelled row had it.</summary>
    internal int IndexOf(long key)
    {
        var i = Array.BinarySearch(Keys, key);
        return i < 0 ? -1 : i;
    }

    /// <summary>
    /// One row's outputs, <see cref="OutputNames"/> in order, into <paramref name="output"/>[k × <paramref name="stride"/>]:
    /// stride 1 writes a row's contiguous values, the matrix's row count a column-major block. The batch transform
    /// and single-row scoring both go through here.
    /// </summary>
    /// <param name="index">From <see cref="IndexOf"/>; −1 for a key no labelled row had.</param>
    /// <param name="dayShare">The key's share of the rows of the row's own day (label-free); ignored without <see cref="SameDay"/>.</param>
    internal void Write(int index, int day, float dayShare, Span<float> output, int stride)
    {
        var t = _tables ??= new Tables(this);
        var days = LastDay - FirstDay + 1;
        // Exclusive end (in days from FirstDay) of the labelled days before `day`.
        var end = Math.Clamp(Math.Min(day - 1, LastDay) - FirstDay + 1, 0, Math.Max(days, 0));
        var o = 0;
        // Indexed loops: an enumerator over the interface would allocate on every row.
        for (var wi = 0; wi < Windows.Count; wi++)
        {
            var w = Windows[wi];
            var start = w == 0 ? 0 : Math.Max(0, end - w);
            var (rows, likes, installs) = t.Sum(index, start, end);
            var (allRows, allLikes, allInstalls) = t.Sum(t.Total, start, end);
            for (var si = 0; si < Statistics.Count; si++)
            {
                output[o++ * stride] = Statistics[si] switch
                {
                    HistoryStatistic.Impressions => rows,
                    HistoryStatistic.Likes => likes,
                    HistoryStatistic.Installs => installs,
                    HistoryStatistic.LikeRate => Rate(likes, rows, allLikes, allRows),
                    _ => Rate(installs, rows, allInstalls, allRows),
                };
            }
        }
        if (FirstSeen)
        {
            var firstSeen = index < 0 ? int.MaxValue : t.FirstDay[index];
            var seen = firstSeen < end;
            output[o++ * stride] = seen ? day - (FirstDay + firstSeen) : float.NaN;
            output[o++ * stride] = seen ? 0 : 1;
        }
        if (SameDay) { output[o * stride] = dayShare; }
    }

    /// <summary>Writes every row's outputs into <paramref name="matrix"/> from column <paramref name="firstColumn"/>;
    /// the same-day shares are over these rows (for a scored day: the rows being scored).</summary>
    internal void Transform(long[] keys, int[] days, FeatureMatrix matrix, int firstColumn)
    {
        var shares = SameDay ? DayShares(keys, days) : null;
        var n = matrix.Rows;
        var data = matrix.Data.AsSpan();
        var o = (long)firstColumn * n;
        for (var r = 0; r < keys.Length; r++)
        {
            Write(IndexOf(keys[r]), days[r], shares is null ? 0 : shares[r], data[(int)(o + r)..], n);
        }
    }

    /// <summary>Per row, the share of its day's rows that carry its key: counts only, no labels.</summary>
    internal static float[] DayShares(long[] keys, int[] days)
    {
        var perKey = new Dictionary<(int Day, long Key), int>();
        var perDay = new Dictionary<int, int>();
        for (var r = 0; r < keys.Length; r++)
        {
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perKey, (days[r], keys[r]), out _)++;
            System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(perDay, days[r], out _)++;
        }
        var shares = new float[keys.Length];
        for (var r = 0; r < keys.Length; r++)
        {
            shares[r] = (float)(perKey[(days[r], keys[r])] / (double)perDay[days[r]]);
        }
        return shares;
    }

    /// <summary>Beta-smoothed rate: <see cref="PriorRows"/> pseudo-rows at the window's rate over every key; NaN when
    /// the window holds no labelled row at all (the first labelled day).</summary>
    private float Rate(long positives, long rows, long allPositives, long allRows)
    {
        if (allRows == 0) { return float.NaN; }
        var mu = allPositives / (double)allRows;
        return (float)((positives + PriorRows * mu) / (rows + PriorRows));
    }

    /// <summary>Prefix sums over days per key (and over all keys, at index <see cref="Total"/>), built on first use.</summary>
    private sealed class Tables
    {
        private readonly int _stride;
        private readonly long[] _rows, _likes, _installs;

        public Tables(FittedHistory h)
        {
            var days = Math.Max(h.LastDay - h.FirstDay + 1, 0);
            _stride = days + 1;
            Total = h.Keys.Length;
            _rows = new long[(Total + 1) * _stride];
            _likes = new long[_rows.Length];
            _installs = new long[_rows.Length];
            FirstDay = new int[Total];
            Array.Fill(FirstDay, int.MaxValue);
            for (var e = 0; e < h.EntryKey.Length; e++)
            {
                var k = h.EntryKey[e];
                var d = h.EntryDay[e] - h.FirstDay;
                Add(k, d, h.Impressions[e], h.Likes[e], h.Installs[e]);
                Add(Total, d, h.Impressions[e], h.Likes[e], h.Installs[e]);
                if (h.Impressions[e] > 0 && d < FirstDay[k]) { FirstDay[k] = d; }
            }
            for (var k = 0; k <= Total; k++)
            {
                var o = k * _stride;
                for (var d = 1; d < _stride; d++)
                {
                    _rows[o + d] += _rows[o + d - 1];
                    _likes[o + d] += _likes[o + d - 1];
                    _installs[o + d] += _installs[o + d - 1];
                }
            }
        }

        /// <summary>Index of the all-keys row.</summary>
        public int Total { get; }

        /// <summary>Per key, its first labelled day with a row, in days from the fit's first day.</summary>
        public int[] FirstDay { get; }

        private void Add(int key, int day, int rows, int likes, int installs)
        {
            // Prefix slot d+1 holds days 0..d once summed.
            var at = key * _stride + day + 1;
            _rows[at] += rows;
            _likes[at] += likes;
            _installs[at] += installs;
        }

        /// <summary>Counts over days [start, end) from the first day; zero for an unseen key.</summary>
        public (long Rows, long Likes, long Installs) Sum(int key, int start, int end)
        {
            if (key < 0 || end <= start) { return (0, 0, 0); }
            var o = key * _stride;
            return (_rows[o + end] - _rows[o + start], _likes[o + end] - _likes[o + start], _installs[o + end] - _installs[o + start]);
        }
    }
}

/// <summary>Keys of the history step: one categorical column, or several joined with '@' (a combination such as a
/// pseudo-user from user attribute columns), as one 64-bit value per row.</summary>
internal static class HistoryKeys
{
    public static string[] Columns(string key) => key.Split('@');

    /// <summary>A key value from the columns' values: a fixed mix, so equal values give equal keys on every machine and
    /// shard. A single column's key is its value; combinations are hashed (collisions have odds of about n²/2⁶⁵).</summary>
    public static long Of(ReadOnlySpan<int> values)
    {
        if (values.Length == 1) { return values[0]; }
        var h = 0x9E3779B97F4A7C15UL;
        foreach (var v in values)
        {
            h = Mix(h ^ (uint)v);
        }
        return (long)h;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Every selected row's key value.</summary>
    public static long[] For(FeatureInputs inputs, string key)
    {
        var columns = Columns(key).Select(inputs.Keys).ToArray();
        var result = GC.AllocateUninitializedArray<long>(inputs.Count);
        Span<int> values = stackalloc int[columns.Length];
        for (var r = 0; r < result.Length; r++)
        {
            for (var c = 0; c < columns.Length; c++) { values[c] = columns[c][r]; }
            result[r] = Of(values);
        }
        return result;
    }
}
