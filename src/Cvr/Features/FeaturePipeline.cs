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
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), [train.RowCount], null, out _);

    /// <summary>
    /// Fits like <see cref="Fit"/>, each step on shards of the frame's rows — the row ranges ending at
    /// <paramref name="shardEnds"/> (ascending, the last the frame's row count) — merged in shard order: the same
    /// fitted pipeline, byte for byte, as one fit on every row. With <paramref name="rows"/>, a shard fits on the
    /// rows of its range (<paramref name="rows"/> ascending) and counts history over every row of its range.
    /// </summary>
    internal FittedFeaturePipeline FitSharded(Frame train, IReadOnlyList<int> shardEnds, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), shardEnds, null, out _);

    /// <summary>
    /// One rank's part of <see cref="FitSharded"/> with <paramref name="ranks"/>' shard ends: this rank fits only its own
    /// range of rows into partial states, and every rank merges every rank's (<see cref="RankFit.Exchange"/>) in rank
    /// order, round by round — the base columns, then the steps that give keys (those reading no earlier key first), then
    /// the rest — so every rank ends with the pipeline of one fit on every row, byte for byte. <paramref name="unlabeled"/>
    /// rows join the last rank's part, after its training rows, as they join a sharded fit after every shard.
    /// </summary>
    internal FittedFeaturePipeline FitAcrossRanks(Frame train, RankFit ranks, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), ranks.ShardEnds, ranks, out _);

    /// <inheritdoc cref="Fit"/>
    public (FittedFeaturePipeline Pipeline, FeatureMatrix Features) FitTransform(Frame train, int[]? rows = null, Frame? unlabeled = null,
        ParallelOptions? parallel = null)
    {
        var training = FitForTraining(train, rows, unlabeled, parallel);
        return (training.Pipeline, training.Transform());
    }

    /// <summary>Fits like <see cref="Fit"/> and returns the training rows' features to take at once or in chunks
    /// (target encodings out of fold or as of each row's day, crosses and group statistics as of each row's day,
    /// when the config says so). The fitted pipeline is <see cref="Fit"/>'s either way.</summary>
    public TrainingFeatures FitForTraining(Frame train, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitForTraining(train, rows, unlabeled, parallel, null);

    /// <summary><see cref="FitForTraining(Frame, int[], Frame, ParallelOptions)"/>, fitted across ranks
    /// (<see cref="FitAcrossRanks"/>) when <paramref name="ranks"/> is given. The training rows' encodings out of fold or
    /// as of their day, and crosses and group statistics as of their day, still read every training row.</summary>
    internal TrainingFeatures FitForTraining(Frame train, int[]? rows, Frame? unlabeled, ParallelOptions? parallel, RankFit? ranks)
    {
        parallel ??= new ParallelOptions();
        var fitted = FitCore(train, rows, unlabeled, parallel, ranks?.ShardEnds ?? [train.RowCount], ranks, out var inputs);
        var days = new TrainingDays(inputs);
        TrainingEncoding? encoding = Config.TargetEncoding.Encoding switch
        {
            TargetEncodingMode.OutOfFold => new OutOfFold(new FoldPlan(Config.TargetEncoding.Folds, Config.TargetEncoding.Seed), inputs, parallel),
            TargetEncodingMode.AsOf => new AsOf(days, inputs, parallel),
            _ => null,
        };
        var seen = Config.CrossesEncoding == SeenEncoding.AsOf || Config.GroupStatistics.Encoding == SeenEncoding.AsOf ? new SeenBefore(days, inputs) : null;
        return new TrainingFeatures(fitted, inputs, encoding, seen, parallel);
    }

    /// <summary>
    /// Fits the steps <see cref="FeatureConfig.Keep"/> needs, in order: the base columns first (every numeric input is
    /// read through their cleaning), then the steps that give keys (a cross may read an earlier one), then the rest.
    /// </summary>
    private FittedFeaturePipeline FitCore(Frame train, int[]? rows, Frame? unlabeled, ParallelOptions parallel, IReadOnlyList<int> shardEnds,
        RankFit? ranks, out FeatureInputs inputs)
    {
        CheckColumns(train.Schema);
        if (!train.HasLabels && Config.TargetEncoding.Columns.Count > 0)
        {
            throw new ArgumentException("target encoding needs labelled training rows (is_clicked, is_installed)");
        }
        if (!train.HasLabels && Config.History.Keys.Count > 0)
        {
            throw new ArgumentException("history features need labelled training rows (is_clicked, is_installed)");
        }
        var configured = FeatureSteps.From(Config, StatisticsSliceRows);
        if (Config.Keep is { } keep) { FeatureSteps.CheckKept(configured.SelectMany(s => s.Declare(train.Schema)).Select(c => c.Name), keep); }
        var steps = FeatureSteps.Prune(configured, train.Schema, Config.Keep);
        var ranges = FitRanges.Cut(train.RowCount, rows, shardEnds);
        if (ranks is not null && (ranks.Rank < 0 || ranks.Rank >= ranges.Count))
        {
            throw new ArgumentException($"rank {ranks.Rank} has none of the {ranges.Count} ranges of rows", nameof(ranks));
        }
        // Across ranks, this rank fits its own range only, and the unlabelled rows when it is the last.
        IReadOnlyList<FitRanges.Range> local = ranks is null ? ranges : [ranges[ranks.Rank]];
        var holdsUnlabelled = unlabeled is not null && (ranks is null || ranks.Rank == ranges.Count - 1);
        var keySteps = new Dictionary<string, FittedStep>(StringComparer.Ordinal);
        FitShard[] Shards(FittedBaseColumns? baseColumns) => [.. local.Select(r =>
        {
            var fitting = new FeatureInputs(train, r.Fitting, baseColumns, keySteps);
            return new FitShard(fitting, r.Offset, FitPart.Training, r.Labelled == r.Fitting ? fitting : new FeatureInputs(train, r.Labelled, baseColumns, keySteps));
        })];
        var rounds = new FitRounds(steps, ranks, train.Schema, parallel);
        var fitted = new FittedStep[steps.Count];
        rounds.Fit("base", [0], _ => Shards(null), fitted);
        var baseColumns = (FittedBaseColumns)fitted[0].State;
        var shards = Shards(baseColumns);
        FitShard[] ShardsOf(FeatureStep step) => step.ReadsUnlabelled && holdsUnlabelled
            ? [.. shards, new FitShard(new FeatureInputs(unlabeled!, null, baseColumns, keySteps), 0, FitPart.Unlabelled, null)]
            : shards;
        // The steps that give keys level by level (a cross of a cross after the cross it reads), then the rest, which
        // read keys only.
        foreach (var (level, indices) in FitRounds.KeyLevels(steps))
        {
            rounds.Fit($"keys-{level}", indices, ShardsOf, fitted);
            foreach (var i in indices) { keySteps.Add(steps[i].Key!, fitted[i]); }
        }
        rounds.Fit("rest", [.. Enumerable.Range(1, steps.Count - 1).Where(i => steps[i].Key is null)], ShardsOf, fitted);
        inputs = ranks is null && shards.Length == 1 ? shards[0].Fitting : new FeatureInputs(train, rows, baseColumns, keySteps);
        var states = fitted.Select(f => f.State).ToArray();
        return new FittedFeaturePipeline(Config, baseColumns, states.OfType<FittedDateMod>().SingleOrDefault()?.Modulus,
            [.. states.OfType<FittedCross>()], [.. states.OfType<FittedGroupStatistics>()], [.. states.OfType<FittedBetaEncoder>()],
            [.. states.OfType<FittedHistory>()], new FeatureFingerprint(train.Schema.WithoutLabels().Columns.Select(c => c.Name).ToArray()));
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
    internal static IEnumerable<string> RequiredColumns(FeatureConfig c) => FeatureSteps.RequiredColumns(FeatureSteps.From(c));

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
