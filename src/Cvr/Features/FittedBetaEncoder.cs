using System.Text.Json.Serialization;

namespace Cvr.Features;

/// <summary>
/// Beta target encoding of one categorical input for one target (paper 3.2, method-notes.md). The fitted state is
/// the per-category counts (positives n, rows N) and the prior; counts add up across shards, so the encoder can be
/// fitted where the data lives and merged.
/// </summary>
public sealed record FittedBetaEncoder(
    string Column,
    string Target,
    int MinCount,
    BetaPriorRule Prior,
    BetaMomentFormulas Moments,
    IReadOnlyList<BetaStatistic> Statistics,
    long TotalPositives,
    long TotalRows,
    int[] Keys,
    long[] Positives,
    long[] Rows)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> OutputNames => NamesOf(Target, Column, Statistics);

    /// <summary>The output names of an encoding of <paramref name="column"/> for <paramref name="target"/>.</summary>
    internal static IEnumerable<string> NamesOf(string target, string column, IEnumerable<BetaStatistic> statistics)
        => statistics.Select(s => $"te_{target}_{column}_{Name(s)}");

    [JsonIgnore] internal double PriorMean => TotalRows == 0 ? 0.5 : TotalPositives / (double)TotalRows;

    internal static string Name(BetaStatistic s) => s.ToString().ToLowerInvariant();

    /// <summary>The statistics of a category with <paramref name="n"/> positives in <paramref name="N"/> rows, under a
    /// prior of mean <paramref name="mu"/> from <paramref name="fitRows"/> fitting rows; N = 0 means unseen.</summary>
    internal void Encode(double n, double N, double mu, double fitRows, Span<double> output)
    {
        double a, b;
        if (Prior == BetaPriorRule.Paper)
        {
            var a0 = mu * fitRows;
            var b0 = (1 - mu) * fitRows;
            // Paper: small (and unseen) categories get the prior itself.
            (a, b) = N < MinCount || N == 0 ? (a0, b0) : (a0 + n, b0 + N - n);
        }
        else
        {
            if (N == 0)
            {
                // The authors' code: an unseen category counts as n = μ positives in N = 1 row.
                (n, N) = (mu, 1);
            }
            var pseudo = Math.Max(MinCount - N, 0);
            (a, b) = (mu * pseudo + n, (1 - mu) * pseudo + N - n);
        }
        for (var s = 0; s < Statistics.Count; s++)
        {
            output[s] = BetaMoments.Of(Statistics[s], a, b, Moments);
        }
    }

    /// <summary>Per-category encodings (row c for category c, last row for unseen) with the full fit; computed once.</summary>
    internal float[,] Table() => _table ??= BuildTable();

    /// <summary>Fitted category index of each key.</summary>
    internal IReadOnlyDictionary<int, int> Index => _index ??= BuildIndex();

    private float[,]? _table;
    private Dictionary<int, int>? _index;

    private float[,] BuildTable()
    {
        var table = new float[Keys.Length + 1, Statistics.Count];
        Span<double> values = stackalloc double[Statistics.Count];
        for (var c = 0; c <= Keys.Length; c++)
        {
            var (n, N) = c < Keys.Length ? (Positives[c], Rows[c]) : (0L, 0L);
            Encode(n, N, PriorMean, TotalRows, values);
            for (var s = 0; s < values.Length; s++) { table[c, s] = Finite(values[s]); }
        }
        return table;
    }

    private Dictionary<int, int> BuildIndex()
    {
        var index = new Dictionary<int, int>(Keys.Length);
        for (var c = 0; c < Keys.Length; c++) { index[Keys[c]] = c; }
        return index;
    }

    internal static float Finite(double v)
    {
        var f = (float)v;
        return float.IsFinite(f) ? f : float.NaN;
    }

    /// <param name="space">Null: every row counts; else only rows with 1 (a conditional target's sample space).</param>
    internal static FittedBetaEncoder Fit(string column, string target, TargetEncodingConfig config, int[] keys, byte[] labels, byte[]? space = null)
    {
        var index = new Dictionary<int, int>();
        foreach (var k in keys) { index.TryAdd(k, 0); }
        var sorted = index.Keys.Order().ToArray();
        for (var i = 0; i < sorted.Length; i++) { index[sorted[i]] = i; }
        var positives = new long[sorted.Length];
        var rows = new long[sorted.Length];
        var categories = KeyIndex.Map(keys, index);
        long totalPositives = 0, totalRows = 0;
        for (var r = 0; r < keys.Length; r++)
        {
            var w = space is null ? 1 : space[r];
            rows[categories[r]] += w;
            positives[categories[r]] += labels[r] * w;
            totalPositives += labels[r] * w;
            totalRows += w;
        }
        return new FittedBetaEncoder(column, target, config.MinCount, config.Prior, config.Moments, config.Statistics,
            totalPositives, totalRows, sorted, positives, rows);
    }

    /// <summary>The counts of two fits of the same encoding over disjoint rows (shards), added: the state of one fit
    /// over both (categories in ascending key order, integer counts).</summary>
    internal static FittedBetaEncoder Merge(FittedBetaEncoder a, FittedBetaEncoder b)
    {
        var keys = new List<int>(a.Keys.Length + b.Keys.Length);
        var positives = new List<long>(keys.Capacity);
        var rows = new List<long>(keys.Capacity);
        int i = 0, j = 0;
        while (i < a.Keys.Length || j < b.Keys.Length)
        {
            var takeA = j == b.Keys.Length || (i < a.Keys.Length && a.Keys[i] <= b.Keys[j]);
            var takeB = i == a.Keys.Length || (j < b.Keys.Length && b.Keys[j] <= a.Keys[i]);
            keys.Add(takeA ? a.Keys[i] : b.Keys[j]);
            positives.Add((takeA ? a.Positives[i] : 0) + (takeB ? b.Positives[j] : 0));
            rows.Add((takeA ? a.Rows[i] : 0) + (takeB ? b.Rows[j] : 0));
            if (takeA) { i++; }
            if (takeB) { j++; }
        }
        // A new record, not `with`: `with` would copy a's cached table and index.
        return new FittedBetaEncoder(a.Column, a.Target, a.MinCount, a.Prior, a.Moments, a.Statistics,
            a.TotalPositives + b.TotalPositives, a.TotalRows + b.TotalRows, [.. keys], [.. positives], [.. rows]);
    }
}

/// <summary>Transform paths of <see cref="FittedBetaEncoder"/>: the full fit, and out-of-fold for training rows.</summary>
internal static class BetaEncoding
{
    /// <summary>Encodes rows with the full fit (validation, test, serving); unseen categories get the prior's statistics.</summary>
    public static void Transform(FittedBetaEncoder encoder, int[] keys, FeatureMatrix matrix, int firstColumn)
    {
        var table = encoder.Table();
        var categories = KeyIndex.Map(keys, encoder.Index);
        var data = matrix.Data;
        var n = matrix.Rows;
        var o = firstColumn * n;
        for (var r = 0; r < categories.Length; r++)
        {
            Write(table, categories[r], data.AsSpan(o + r), n);
        }
    }

    /// <summary>
    /// One row's encodings from its category (−1: unseen, the prior's row), written to
    /// <paramref name="output"/>[s × <paramref name="stride"/>]: the per-element function of <see cref="Transform"/>
    /// (stride = rows, column-major) and of the per-row path (stride 1).
    /// </summary>
    public static void Write(float[,] table, int category, Span<float> output, int stride)
    {
        var c = category < 0 ? table.GetLength(0) - 1 : category;
        for (var s = 0; s < table.GetLength(1); s++) { output[s * stride] = table[c, s]; }
    }

    /// <summary>
    /// The out-of-fold encoding tables of the fitting rows from their counts by fold (<paramref name="counts"/>' slots),
    /// however they were summed (one process, or every rank's block: exact integer counts, so the same tables bit for
    /// bit): for each fold, every category's encodings from the counts of the other folds (prior mean and size too),
    /// so a row's own label never reaches its features. <see cref="WriteByTable"/> then encodes any fitting row, all at
    /// once or in chunks.
    /// </summary>
    public static float[][,] FoldTables(FittedBetaEncoder encoder, SlotCounts counts, ParallelOptions parallel)
    {
        var foldCount = counts.Slots;
        var tables = new float[foldCount][,];
        // One table per fold, from exact integer counts: the schedule can't change a bit.
        Parallel.For(0, foldCount, parallel, f =>
        {
            var fitRows = encoder.TotalRows - counts.Totals[f, 1];
            // The other folds hold about (k−1)/k of the rows. Their counts are scaled up to the full fit's size so
            // that everything that depends on counts (variance, skewness, kurtosis, the N_min threshold, the
            // paper's prior size N0) has the same scale for training rows as for rows encoded by the full fit;
            // unscaled, training rows would all look (k−1)/k as certain and the model would learn a shifted scale.
            var scale = fitRows == 0 ? 1 : encoder.TotalRows / (double)fitRows;
            tables[f] = Table(encoder, c => (encoder.Positives[c] - counts.Positives[f, c], encoder.Rows[c] - counts.Rows[f, c]),
                encoder.TotalPositives - counts.Totals[f, 0], fitRows, scale);
        });
        return tables;
    }

    /// <summary>One table of encodings from counts that leave out the rows it is for: each category's (positives,
    /// rows) and the fitting rows' totals, all multiplied by <paramref name="scale"/>; the prior's mean is the
    /// fitting rows' rate (0.5 when there are none).</summary>
    private static float[,] Table(FittedBetaEncoder encoder, Func<int, (long Positives, long Rows)> category, long fitPositives, long fitRows, double scale)
    {
        var table = new float[encoder.Keys.Length, encoder.Statistics.Count];
        Span<double> values = stackalloc double[encoder.Statistics.Count];
        var mu = fitRows == 0 ? 0.5 : fitPositives / (double)fitRows;
        for (var c = 0; c < encoder.Keys.Length; c++)
        {
            var (n, N) = category(c);
            encoder.Encode(n * scale, N * scale, mu, fitRows * scale, values);
            for (var s = 0; s < values.Length; s++) { table[c, s] = FittedBetaEncoder.Finite(values[s]); }
        }
        return table;
    }

    /// <summary>
    /// The as-of encoding tables of the fitting rows from their counts by day (<paramref name="counts"/>' slot t + 1
    /// for day t counted from the first fitting day, slot 0 empty; turned into prefix sums here), however they were
    /// summed: for each day, every category's encodings from the counts of the fitting rows of earlier days only — the prior's mean
    /// and size too, so a later day's labels can't reach an earlier row even through the prior. The first day has no
    /// earlier rows and gets the statistics of a fit on no rows (under the paper's prior, none: NaN, as history's
    /// rates on that day); a category not seen before a day gets that day's prior, as an unseen category does with
    /// the full fit. As with <see cref="FoldTables"/>, the earlier days' counts are scaled up to the full fit's size,
    /// here by the ratio of all fitting rows to the earlier days' rows (row counts, not labels), so the count-dependent
    /// statistics (variance, skewness, kurtosis, the N_min threshold, the prior size N0) keep the scale of the full fit
    /// that validation and test rows get; the mean, a ratio of counts, is unchanged by it.
    /// </summary>
    public static float[][,] DayTables(FittedBetaEncoder encoder, SlotCounts counts, ParallelOptions parallel)
    {
        var dayCount = counts.Slots - 1;
        var k = encoder.Keys.Length;
        var (positives, rows, totals) = (counts.Positives, counts.Rows, counts.Totals);
        for (var t = 1; t <= dayCount; t++)
        {
            for (var c = 0; c < k; c++)
            {
                positives[t, c] += positives[t - 1, c];
                rows[t, c] += rows[t - 1, c];
            }
            for (var i = 0; i < 3; i++) { totals[t, i] += totals[t - 1, i]; }
        }
        var tables = new float[dayCount][,];
        // One table per day, from exact integer counts: the schedule can't change a bit.
        Parallel.For(0, dayCount, parallel, t =>
        {
            var scale = totals[t, 2] == 0 ? 1 : totals[dayCount, 2] / (double)totals[t, 2];
            tables[t] = Table(encoder, c => (positives[t, c], rows[t, c]), totals[t, 0], totals[t, 1], scale);
        });
        return tables;
    }

    /// <summary>
    /// Encodes fitting rows with tables that exclude them (<see cref="FoldTables"/>, <see cref="DayTables"/>): each
    /// row by its table (<paramref name="tableOf"/>: its fold, its day). Not the same as <see cref="Transform"/> on
    /// the same rows, which would read the row's own label.
    /// </summary>
    public static void WriteByTable(FittedBetaEncoder encoder, float[][,] tables, int[] keys, int[] tableOf, FeatureMatrix matrix, int firstColumn)
    {
        var categories = KeyIndex.Map(keys, encoder.Index);
        var data = matrix.Data;
        var n = matrix.Rows;
        for (var s = 0; s < encoder.Statistics.Count; s++)
        {
            var o = (long)(firstColumn + s) * n;
            for (var r = 0; r < keys.Length; r++)
            {
                data[o + r] = tables[tableOf[r]][categories[r], s];
            }
        }
    }
}
