using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The unfitted feature pipeline: configuration only. <see cref="Fit"/> learns the statistics from training rows;
/// <see cref="FitTransform"/> also returns the training rows' features, with target encodings out of fold —
/// <c>Fit(train).Transform(train)</c> is not <c>FitTransform(train)</c>: the first leaks each row's own label.
/// </summary>
public sealed class FeaturePipeline(FeatureConfig config)
{
    public FeatureConfig Config { get; } = config;

    /// <summary>Rows per slice of the group statistics' fit (<see cref="FittedGroupStatistics.SliceRows"/>); tests
    /// make it small to get many slices from a small frame.</summary>
    internal int StatisticsSliceRows { get; init; } = FittedGroupStatistics.SliceRows;

    /// <summary>Fits on <paramref name="rows"/> of <paramref name="train"/> (all rows when null). <paramref name="unlabeled"/>
    /// (the test set) joins the group statistics only when their scope is train_and_test. <paramref name="parallel"/>
    /// only bounds the threads: the result is the same, bit for bit, at any degree of parallelism.</summary>
    public FittedFeaturePipeline Fit(Frame train, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), out _);

    /// <inheritdoc cref="Fit"/>
    public (FittedFeaturePipeline Pipeline, FeatureMatrix Features) FitTransform(Frame train, int[]? rows = null, Frame? unlabeled = null,
        ParallelOptions? parallel = null)
    {
        var training = FitForTraining(train, rows, unlabeled, parallel);
        return (training.Pipeline, training.Transform());
    }

    /// <summary>Fits like <see cref="Fit"/> and returns the training rows' features to take at once or in chunks
    /// (target encodings out of fold when the config says so).</summary>
    public TrainingFeatures FitForTraining(Frame train, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
    {
        parallel ??= new ParallelOptions();
        var fitted = FitCore(train, rows, unlabeled, parallel, out var inputs);
        var outOfFold = Config.TargetEncoding.Encoding == TargetEncodingMode.OutOfFold
            ? new FoldPlan(Config.TargetEncoding.Folds, Config.TargetEncoding.Seed)
            : null;
        return new TrainingFeatures(fitted, inputs, outOfFold, parallel);
    }

    private FittedFeaturePipeline FitCore(Frame train, int[]? rows, Frame? unlabeled, ParallelOptions parallel, out FeatureInputs inputs)
    {
        CheckColumns(train.Schema);
        if (!train.HasLabels && Config.TargetEncoding.Columns.Count > 0)
        {
            throw new ArgumentException("target encoding needs labelled training rows (is_clicked, is_installed)");
        }
        var baseColumns = FittedBaseColumns.Fit(Config, train, rows, parallel);
        var modulus = Config.DateMod.Enabled ? Config.DateMod.Modulus : (int?)null;
        var crosses = new List<FittedCross>();
        inputs = new FeatureInputs(train, rows, baseColumns, modulus ?? 1, crosses);
        foreach (var pair in Config.Crosses)
        {
            // Later crosses may read earlier ones, so fit them in order.
            crosses.Add(FittedCross.Fit(pair[0], pair[1], inputs.Keys(pair[0]), inputs.Keys(pair[1])));
        }
        var extra = Config.GroupStatistics.Scope == StatisticsScope.TrainAndTest && unlabeled is not null
            ? new FeatureInputs(unlabeled, null, baseColumns, modulus ?? 1, crosses)
            : null;
        var trainInputs = inputs;
        var groups = Config.GroupStatistics.Pairs.Select(p =>
        {
            var parts = new List<(int[], float[])> { (trainInputs.Keys(p[0]), trainInputs.Numeric(p[1])) };
            if (extra is not null) { parts.Add((extra.Keys(p[0]), extra.Numeric(p[1]))); }
            return FittedGroupStatistics.Fit(p[0], p[1], parts, parallel, StatisticsSliceRows);
        }).ToList();
        var te = Config.TargetEncoding;
        var encoders = new List<FittedBetaEncoder>();
        foreach (var target in te.Targets)
        {
            var labels = Select(Targets.Values(train, target), rows);
            var space = Targets.SampleSpace(train, target) is { } s ? Select(s, rows) : null;
            encoders.AddRange(te.Columns.Select(c => FittedBetaEncoder.Fit(c, target, te, trainInputs.Keys(c), labels, space)));
        }
        var history = FitHistory(train, rows is null ? inputs : new FeatureInputs(train, null, baseColumns, modulus ?? 1, crosses), parallel);
        var fitted = new FittedFeaturePipeline(Config, baseColumns, modulus, crosses, groups, encoders, history,
            new FeatureFingerprint(train.Schema.WithoutLabels().Columns.Select(c => c.Name).ToArray()));
        return Config.Keep is null ? fitted : fitted.Select(Config.Keep); // checks every kept name
    }

    /// <summary>The history step's counts over every labelled row of <paramref name="train"/>, whichever rows the
    /// rest is fitted on: a row's history reads only earlier days, so later rows can't leak into it.</summary>
    private List<FittedHistory> FitHistory(Frame train, FeatureInputs all, ParallelOptions parallel)
    {
        var h = Config.History;
        if (h.Keys.Count == 0) { return []; }
        if (!train.HasLabels)
        {
            throw new ArgumentException("history features need labelled training rows (is_clicked, is_installed)");
        }
        var likes = Targets.Values(train, Targets.Like);
        var installs = Targets.Values(train, Targets.Installed);
        var fits = new FittedHistory[h.Keys.Count];
        Parallel.For(0, fits.Length, parallel, i => fits[i] = FittedHistory.Fit(h.Keys[i], h, HistoryKeys.For(all, h.Keys[i]), train.Days, likes, installs));
        return [.. fits];
    }

    private void CheckColumns(Schema schema)
    {
        foreach (var name in RequiredColumns(Config))
        {
            if (!schema.Contains(name))
            {
                throw new ConfigurationException($"the feature config uses column {name}, which the training data lacks");
            }
        }
    }

    /// <summary>Base columns the configured derived features read.</summary>
    internal static IEnumerable<string> RequiredColumns(FeatureConfig c)
    {
        var derived = new HashSet<string>(StringComparer.Ordinal) { DateModStep.OutputName };
        foreach (var p in c.Crosses) { derived.Add(CrossStep.NameOf(p[0], p[1])); }
        var used = c.Crosses.SelectMany(p => p)
            .Concat(c.GroupStatistics.Pairs.SelectMany(p => p))
            .Concat(c.TargetEncoding.Columns)
            .Concat(c.History.Keys.SelectMany(HistoryKeys.Columns));
        return used.Where(n => !derived.Contains(n)).Distinct();
    }

    internal static T[] Select<T>(T[] values, int[]? rows)
    {
        if (rows is null) { return values; }
        var selected = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++) { selected[i] = values[rows[i]]; }
        return selected;
    }
}

/// <summary>The feature columns the pipeline was fitted on: data to transform must have them.</summary>
public sealed record FeatureFingerprint(IReadOnlyList<string> Columns);
