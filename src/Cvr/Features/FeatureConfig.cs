using System.Text.Json.Serialization;

namespace Cvr.Features;

/// <summary>Where a target-based step gets its training rows' values (method-notes.md: the authors' leak).</summary>
public enum TargetEncodingMode
{
    /// <summary>Default: each training row is encoded by a fit on the other folds, so its own label never enters.</summary>
    [JsonStringEnumMemberName("out_of_fold")] OutOfFold,
    /// <summary>The authors' choice: training rows encoded by the fit on all of them, their own labels included.</summary>
    [JsonStringEnumMemberName("in_sample")] InSample,
    /// <summary>As of the row's day: a training row on day d is encoded from the training rows of days before d only
    /// (prior mean and size too), so a key new on its day gets the prior, as a new key does on the test day; the
    /// first training day has no earlier rows and gets the statistics of a fit on no rows.</summary>
    [JsonStringEnumMemberName("as_of")] AsOf,
}

/// <summary>The rows group statistics are computed over.</summary>
public enum StatisticsScope
{
    /// <summary>Default: the training rows only; other rows are looked up.</summary>
    [JsonStringEnumMemberName("train")] Train,
    /// <summary>The authors' transductive choice: training and test rows together (labels are not used).</summary>
    [JsonStringEnumMemberName("train_and_test")] TrainAndTest,
    /// <summary>Each row's own day: the statistics of a training day's rows over that day, of a scored day's rows over
    /// the rows being scored. Label-free and the same for every day, so a new ad gets its own statistics, as its
    /// predecessors did on their first day.</summary>
    [JsonStringEnumMemberName("day")] Day,
}

/// <summary>Which fit the training rows of a label-free keyed step (crosses, group statistics) read; other rows always
/// read the full fit.</summary>
public enum SeenEncoding
{
    /// <summary>Default: the fit on every training row, their own rows and later days' included, so every training
    /// row's pair or group was seen in the fit (only a test row can be unseen).</summary>
    [JsonStringEnumMemberName("in_sample")] InSample,
    /// <summary>As of the row's day: what a fit on the training rows of days before it gives (<see cref="SeenBefore"/>),
    /// so a pair or group new on its day is unseen in training as a new one is on the test day.</summary>
    [JsonStringEnumMemberName("as_of")] AsOf,
}

/// <summary>Formulas for the Beta posterior's skewness and kurtosis.</summary>
public enum BetaMomentFormulas
{
    /// <summary>Default: the Beta distribution's true skewness and excess kurtosis.</summary>
    [JsonStringEnumMemberName("true")] True,
    /// <summary>The paper's formulas (7) and (8), kept by the authors' code; not the true moments.</summary>
    [JsonStringEnumMemberName("paper")] Paper,
}

/// <summary>How the Beta prior is set (method-notes.md, "Beta target encoding").</summary>
public enum BetaPriorRule
{
    /// <summary>The paper: α0 = μ·N0, β0 = (1−μ)·N0 with N0 the number of fitting rows; categories with
    /// N &lt; N_min get the prior itself; unseen categories the prior's median.</summary>
    [JsonStringEnumMemberName("paper")] Paper,
    /// <summary>The authors' code: a prior of N_prior = max(N_min − N, 0) pseudo-rows, so large categories get
    /// none; unseen categories are treated as n = μ, N = 1.</summary>
    [JsonStringEnumMemberName("authors")] Authors,
}

/// <summary>Where numeric base values come from (the paper's Table 2).</summary>
public enum BaseValueSource
{
    /// <summary>Default: the paper's bases (data-format.md), for columns present in the data.</summary>
    [JsonStringEnumMemberName("paper")] Paper,
    /// <summary>Only the bases listed in <see cref="BaseValuesConfig.Values"/>.</summary>
    [JsonStringEnumMemberName("explicit")] Explicit,
    /// <summary>Bases detected from the training rows (as <c>cvr analyze</c> does), plus <see cref="BaseValuesConfig.Values"/>.</summary>
    [JsonStringEnumMemberName("detect")] Detect,
    /// <summary>No restoration: numeric values pass through.</summary>
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>The posterior statistics a Beta target encoding can emit.</summary>
public enum BetaStatistic
{
    [JsonStringEnumMemberName("mean")] Mean,
    [JsonStringEnumMemberName("mode")] Mode,
    [JsonStringEnumMemberName("median")] Median,
    [JsonStringEnumMemberName("variance")] Variance,
    [JsonStringEnumMemberName("skewness")] Skewness,
    [JsonStringEnumMemberName("kurtosis")] Kurtosis,
}

/// <summary>The per-window statistics of a history key.</summary>
public enum HistoryStatistic
{
    [JsonStringEnumMemberName("impressions")] Impressions,
    [JsonStringEnumMemberName("likes")] Likes,
    [JsonStringEnumMemberName("installs")] Installs,
    [JsonStringEnumMemberName("like_rate")] LikeRate,
    [JsonStringEnumMemberName("install_rate")] InstallRate,
}

/// <summary>
/// Time-aware features (<see cref="FittedHistory"/>): per key, counts and Beta-smoothed rates over earlier labelled
/// days, how long ago the key was first seen, and its share of its own day's rows.
/// </summary>
public sealed record HistoryConfig
{
    /// <summary>Categorical columns, or several joined with '@' (a combination's values are one key): the app, ad and
    /// user-side columns with the most churn and the ad-with-its-campaign pair (bench/results/time-aware.md).</summary>
    [JsonPropertyName("keys")] public IReadOnlyList<string> Keys { get; init; } = ["f_2", "f_4", "f_6", "f_13", "f_15", "f_18", "f_4@f_6"];

    /// <summary>Window lengths in labelled days before the row's day; 0: every earlier labelled day.</summary>
    [JsonPropertyName("windows")] public IReadOnlyList<int> Windows { get; init; } = [1, 3, 7, 0];

    [JsonPropertyName("statistics")] public IReadOnlyList<HistoryStatistic> Statistics { get; init; } =
        [HistoryStatistic.Impressions, HistoryStatistic.LikeRate, HistoryStatistic.InstallRate];

    /// <summary>Pseudo-rows at the window's overall rate added to each key's counts: the Beta prior's strength.</summary>
    [JsonPropertyName("prior_rows")] public double PriorRows { get; init; } = 100;

    /// <summary>Days since the key's first labelled day before the row's day (missing when none) and a never-seen flag.</summary>
    [JsonPropertyName("first_seen")] public bool FirstSeen { get; init; } = true;

    /// <summary>The key's share of the rows of the row's own day, counted over the rows being transformed (no labels).
    /// Off by default: it did not improve the validation day (bench/results/time-aware.md), and a batch-dependent
    /// value can't be served row by row.</summary>
    [JsonPropertyName("same_day")] public bool SameDay { get; init; }
}

public sealed record BaseValuesConfig
{
    [JsonPropertyName("source")] public BaseValueSource Source { get; init; } = BaseValueSource.Paper;

    /// <summary>Bases by column; with <see cref="BaseValueSource.Paper"/> these override or extend the paper's.</summary>
    [JsonPropertyName("values")] public IReadOnlyDictionary<string, double> Values { get; init; } = new Dictionary<string, double>();
}

public sealed record DateModConfig
{
    [JsonPropertyName("enabled")] public bool Enabled { get; init; } = true;

    [JsonPropertyName("modulus")] public int Modulus { get; init; } = 7;
}

public sealed record GroupStatisticsConfig
{
    /// <summary>(categorical A, numeric B) pairs: statistics of B within groups of A.</summary>
    [JsonPropertyName("pairs")] public IReadOnlyList<IReadOnlyList<string>> Pairs { get; init; } =
    [
        ["f_11", "f_71"], ["f_13", "f_74"], ["f_2", "f_42"], ["f_4", "f_54"], ["f_6", "f_68"], ["f_8", "f_71"],
    ];

    [JsonPropertyName("scope")] public StatisticsScope Scope { get; init; } = StatisticsScope.Train;

    /// <summary>Training rows' statistics from every training row (default) or as of their day. Left out of the JSON
    /// when the default, so bundles of the default config keep their bytes.</summary>
    [JsonPropertyName("encoding"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public SeenEncoding Encoding { get; init; } = SeenEncoding.InSample;
}

public sealed record TargetEncodingConfig
{
    [JsonPropertyName("columns")] public IReadOnlyList<string> Columns { get; init; } = ["f_4", "f_6", "f_13", "f_15"];

    /// <summary>Labels to encode: is_installed, is_clicked or is_like (clicked OR installed).</summary>
    [JsonPropertyName("targets")] public IReadOnlyList<string> Targets { get; init; } = ["is_installed"];

    [JsonPropertyName("n_min")] public int MinCount { get; init; } = 1000;

    [JsonPropertyName("statistics")] public IReadOnlyList<BetaStatistic> Statistics { get; init; } =
        [BetaStatistic.Mean, BetaStatistic.Mode, BetaStatistic.Median, BetaStatistic.Variance, BetaStatistic.Skewness, BetaStatistic.Kurtosis];

    [JsonPropertyName("moments")] public BetaMomentFormulas Moments { get; init; } = BetaMomentFormulas.True;

    [JsonPropertyName("prior")] public BetaPriorRule Prior { get; init; } = BetaPriorRule.Paper;

    [JsonPropertyName("encoding")] public TargetEncodingMode Encoding { get; init; } = TargetEncodingMode.OutOfFold;

    [JsonPropertyName("folds")] public int Folds { get; init; } = 5;

    [JsonPropertyName("seed")] public ulong Seed { get; init; } = 42;
}

/// <summary>
/// The feature set, declared (a JSON file); every default is the paper's (method-notes.md) but the time-aware
/// history, which goes beyond it (<see cref="Paper"/> leaves it out). Output column names are documented in docs/features.md.
/// </summary>
public sealed record FeatureConfig
{
    /// <summary>What a missing value becomes (paper 2.1.2: 0 beat −1, −99, mean, mode and LightGBM's own).</summary>
    [JsonPropertyName("missing_value")] public float MissingValue { get; init; }

    [JsonPropertyName("drop")] public IReadOnlyList<string> Drop { get; init; } = ["f_0", "f_7", "f_9", "f_23", "f_24", "f_47", "f_49"];

    [JsonPropertyName("base_values")] public BaseValuesConfig BaseValues { get; init; } = new();

    [JsonPropertyName("date_mod")] public DateModConfig DateMod { get; init; } = new();

    /// <summary>Label-encoded crosses of two categorical inputs (base columns or date_mod); unseen pairs → −1.</summary>
    [JsonPropertyName("crosses")] public IReadOnlyList<IReadOnlyList<string>> Crosses { get; init; } = [["f_4", "f_6"], ["date_mod", "f_11"]];

    /// <summary>Training rows' cross codes from every training row (default) or as of their day. Left out of the JSON
    /// when the default, so bundles of the default config keep their bytes.</summary>
    [JsonPropertyName("crosses_encoding"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public SeenEncoding CrossesEncoding { get; init; } = SeenEncoding.InSample;

    [JsonPropertyName("group_statistics")] public GroupStatisticsConfig GroupStatistics { get; init; } = new();

    [JsonPropertyName("target_encoding")] public TargetEncodingConfig TargetEncoding { get; init; } = new();

    [JsonPropertyName("history")] public HistoryConfig History { get; init; } = new();

    /// <summary>
    /// The output features the models see, by name (docs/features.md), in any order; null: all of them. A
    /// selection made from measured importance (<c>cvr train --select-features</c>) is stored here, in the bundle's
    /// fitted pipeline, so prediction computes exactly the same columns.
    /// </summary>
    [JsonPropertyName("keep")] public IReadOnlyList<string>? Keep { get; init; }

    /// <summary>The default: the paper's features and the time-aware history (chosen on the validation day,
    /// bench/results/time-aware.md).</summary>
    public static FeatureConfig Default { get; } = new();

    /// <summary>The paper's features only (<c>--preset paper</c>): no history.</summary>
    public static FeatureConfig Paper { get; } = new() { History = new HistoryConfig { Keys = [] } };
}
