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
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), [train.RowCount], null, out _, out _);

    /// <summary>
    /// Fits like <see cref="Fit"/>, each step on shards of the frame's rows — the row ranges ending at
    /// <paramref name="shardEnds"/> (ascending, the last the frame's row count) — merged in shard order: the same
    /// fitted pipeline, byte for byte, as one fit on every row. With <paramref name="rows"/>, a shard fits on the
    /// rows of its range (<paramref name="rows"/> ascending) and counts history over every row of its range.
    /// </summary>
    internal FittedFeaturePipeline FitSharded(Frame train, IReadOnlyList<int> shardEnds, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), shardEnds, null, out _, out _);

    /// <summary>
    /// One rank's part of <see cref="FitSharded"/> with <paramref name="ranks"/>' shard ends: this rank fits only its own
    /// range of rows into partial states, and every rank merges every rank's (<see cref="RankFit.Exchange"/>) in rank
    /// order, round by round — the base columns, then the steps that give keys (those reading no earlier key first), then
    /// the rest — so every rank ends with the pipeline of one fit on every row, byte for byte. <paramref name="unlabeled"/>
    /// rows join the last rank's part, after its training rows, as they join a sharded fit after every shard.
    /// </summary>
    internal FittedFeaturePipeline FitAcrossRanks(Frame train, RankFit ranks, int[]? rows = null, Frame? unlabeled = null, ParallelOptions? parallel = null)
        => FitCore(train, rows, unlabeled, parallel ?? new ParallelOptions(), ranks.ShardEnds, ranks, out _, out _);

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
    /// (<see cref="FitAcrossRanks"/>) when <paramref name="ranks"/> is given. Then the tables the training rows are
    /// written with are summed from every rank's counts over its own block too (<see cref="ExchangeTables"/>): target
    /// encodings out of fold or as of their day, and crosses as of their day. Group statistics as of the row's day read
    /// every fitting row given, so a rank whose frame holds only its own rows can't use them (refused across machines).
    /// With <see cref="RankFit.FittingOffset"/> and <see cref="RankFit.FittingTotal"/>, the training features' positions
    /// are among every rank's rows.</summary>
    internal TrainingFeatures FitForTraining(Frame train, int[]? rows, Frame? unlabeled, ParallelOptions? parallel, RankFit? ranks)
    {
        parallel ??= new ParallelOptions();
        var fitted = FitCore(train, rows, unlabeled, parallel, ranks?.ShardEnds ?? [train.RowCount], ranks, out var inputs, out var block);
        var asOfCrosses = Config.CrossesEncoding == SeenEncoding.AsOf;
        var seesDays = asOfCrosses || Config.GroupStatistics.Encoding == SeenEncoding.AsOf;
        var days = ranks is not null && (seesDays || Config.TargetEncoding.Encoding == TargetEncodingMode.AsOf)
            ? new TrainingDays(inputs, ExchangeDays(ranks, block!))
            : new TrainingDays(inputs);
        TrainingEncoding? encoding = Config.TargetEncoding.Encoding switch
        {
            TargetEncodingMode.OutOfFold => new OutOfFold(new FoldPlan(Config.TargetEncoding.Folds, Config.TargetEncoding.Seed), inputs, parallel),
            TargetEncodingMode.AsOf => new AsOf(days, inputs, parallel),
            _ => null,
        };
        var seen = seesDays ? new SeenBefore(days, inputs) : null;
        if (ranks is not null) { ExchangeTables(ranks, fitted, block!, encoding, asOfCrosses ? seen : null); }
        return new TrainingFeatures(fitted, inputs, encoding, seen, parallel, ranks?.FittingOffset ?? 0, ranks?.FittingTotal);
    }

    /// <summary>The fitting days' range from every rank's block (round <c>days</c>): each rank sends its block's
    /// first and last day, none for an empty block.</summary>
    private static (int First, int Count) ExchangeDays(RankFit ranks, FeatureInputs block)
    {
        var days = block.Days();
        var every = ranks.Exchange.Exchange("days", PartialFormat.Serialise(w => w.WriteArray<int>(days.Length == 0 ? Array.Empty<int>() : [days.Min(), days.Max()])));
        var bounds = every.Select((payload, r) => PartialFormat.Deserialise(payload, reader => reader.ReadArray<int>(), $"rank {r}'s days")).ToArray();
        for (var r = 0; r < bounds.Length; r++)
        {
            if (bounds[r] is not ([] or [_, _])) { throw new InvalidDataException($"rank {r} sent {bounds[r].Length} days' bounds (expected none or its first and last)"); }
        }
        var sent = bounds.Where(b => b.Length == 2).ToArray();
        return sent.Length == 0 ? (0, 0) : TrainingDays.RangeOf([sent.Min(b => b[0]), sent.Max(b => b[1])]);
    }

    /// <summary>
    /// The tables training rows are written with, from every rank's block (round <c>tables</c>): each rank counts its
    /// own block's rows for each target encoder (<see cref="SlotCounts"/>, by fold or by day) and finds each cross's
    /// pairs' first days in it (as of the row's day), and every rank adds every rank's counts and takes the least first
    /// days: exact integers, so the tables one fit on every row builds, bit for bit, without reading another rank's rows.
    /// </summary>
    private static void ExchangeTables(RankFit ranks, FittedFeaturePipeline fitted, FeatureInputs block, TrainingEncoding? encoding, SeenBefore? crosses)
    {
        var encoders = encoding is null ? [] : fitted.Encoders;
        var pairs = crosses is null ? [] : fitted.Crosses;
        if (encoders.Count == 0 && pairs.Count == 0) { return; } // the same on every rank: every rank has the same config
        string[] names = [.. encoders.Select(e => $"{e.Target}:{e.Column}"), .. pairs.Select(c => c.Name)];
        var counts = encoders.Select(e => encoding!.Count(e, block)).ToArray();
        var firstDays = pairs.Select(c => crosses!.FirstDaysOf(c, block)).ToArray();
        var every = ranks.Exchange.Exchange("tables",
            RankFit.Encode(names, [.. counts.Select(c => c.Serialise()), .. firstDays.Select(f => PartialFormat.Serialise(w => w.WriteArray<int>(f)))]));
        for (var r = 0; r < every.Count; r++)
        {
            if (r == ranks.Rank) { continue; } // this rank's counts are in place already
            var parts = RankFit.Decode(every[r], names, r);
            for (var i = 0; i < counts.Length; i++) { counts[i].AddSerialised(parts[i], $"rank {r}'s counts of {names[i]}"); }
            for (var i = 0; i < firstDays.Length; i++)
            {
                var theirs = PartialFormat.Deserialise(parts[counts.Length + i], reader => reader.ReadArray<int>(), $"rank {r}'s first days of {names[counts.Length + i]}");
                if (theirs.Length != firstDays[i].Length)
                {
                    throw new InvalidDataException($"rank {r} sent the first days of {theirs.Length} pairs of {names[counts.Length + i]}, this rank has {firstDays[i].Length}");
                }
                for (var p = 0; p < theirs.Length; p++) { firstDays[i][p] = Math.Min(firstDays[i][p], theirs[p]); }
            }
        }
        for (var i = 0; i < counts.Length; i++) { encoding!.SetCounts(encoders[i], counts[i]); }
        for (var i = 0; i < firstDays.Length; i++) { crosses!.SetFirstDays(pairs[i], firstDays[i]); }
    }

    /// <summary>
    /// Fits the steps <see cref="FeatureConfig.Keep"/> needs, in order: the base columns first (every numeric input is
    /// read through their cleaning), then the steps that give keys (a cross may read an earlier one), then the rest.
    /// </summary>
    private FittedFeaturePipeline FitCore(Frame train, int[]? rows, Frame? unlabeled, ParallelOptions parallel, IReadOnlyList<int> shardEnds,
        RankFit? ranks, out FeatureInputs inputs, out FeatureInputs? block)
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
        IReadOnlyList<FitRanges.Range> local = ranks is null ? ranges : [ranges[ranks.Rank] with { Offset = ranges[ranks.Rank].Offset + ranks.FittingOffset }];
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
        block = ranks is null ? null : shards[0].Fitting;
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
