using System.Text.Json.Serialization;
using Cvr.Data;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>A configuration of the backtest: a name and the training options it stands for.</summary>
public sealed record BacktestVariant(string Name, TrainingOptions Options);

/// <summary>One variant on one scored day: trained on every labelled day before it (the last of them validates),
/// scored on it, its labels read only to measure.</summary>
public sealed record BacktestFold(
    [property: JsonPropertyName("day")] int Day,
    [property: JsonPropertyName("training_rows")] int TrainingRows,
    [property: JsonPropertyName("metrics")] DayMetrics Metrics,
    [property: JsonPropertyName("new_ads")] DayMetrics? NewAds,
    [property: JsonPropertyName("seconds")] double Seconds)
{
    /// <summary>The submission's logloss: the ensemble's.</summary>
    [JsonIgnore]
    public double LogLoss => Metrics.Models.Single(m => m.Model == ModelScores.EnsembleName).LogLoss;

    [JsonIgnore]
    public double? NewAdLogLoss => NewAds?.Models.Single(m => m.Model == ModelScores.EnsembleName).LogLoss;
}

/// <summary>A variant's ensemble logloss minus the reference variant's, day by day, and their mean with its standard
/// error (the days' differences' standard deviation over √days; paired, so the days' own difficulty cancels).</summary>
public sealed record PairedDifference(
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("rows")] string Rows,
    [property: JsonPropertyName("per_day")] IReadOnlyList<double> PerDay,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("standard_error")] double? StandardError)
{
    public static PairedDifference Of(string variant, string reference, string rows, IReadOnlyList<double> perDay)
    {
        var mean = perDay.Average();
        double? se = perDay.Count < 2 ? null : Math.Sqrt(perDay.Sum(d => (d - mean) * (d - mean)) / (perDay.Count - 1) / perDay.Count);
        return new PairedDifference(variant, reference, rows, perDay, mean, se);
    }
}

/// <summary>What <c>cvr backtest</c> measured, also written as JSON.</summary>
public sealed record BacktestReport(
    [property: JsonPropertyName("days")] IReadOnlyList<int> Days,
    [property: JsonPropertyName("variants")] IReadOnlyDictionary<string, IReadOnlyList<BacktestFold>> Variants,
    [property: JsonPropertyName("differences")] IReadOnlyList<PairedDifference> Differences);

/// <summary>
/// The rolling-origin backtest: for each scored day d, every variant is trained as <c>cvr train</c> would on the
/// labelled days before d — a data set cut at d, so no step (features, selection, early stopping, ω, a refit) can
/// read day d's labels or anything later — and scores day d. How a time-ordered model is judged on more than one
/// day: the days' differences between two variants are paired, so one noisy day can't decide a default.
/// </summary>
public static class Backtest
{
    /// <summary>Days a backtest may score: those with at least two labelled days before them (one to train, one to
    /// validate on).</summary>
    public static int[] ScorableDays(Frame labelled) => labelled.Days.Distinct().Order().Skip(2).ToArray();

    /// <param name="truth">The true install probability by row id (generated data), for the captured share; or null.</param>
    /// <param name="kinds">The ensemble member kinds the variants may train; none when null.</param>
    /// <exception cref="ConfigurationException">A day that is not a labelled day with two labelled days before it; a
    /// variant that fixes the validation day.</exception>
    public static BacktestReport Run(Frame labelled, IReadOnlyList<int> days, IReadOnlyList<BacktestVariant> variants, IReadOnlyDictionary<long, double>? truth,
        ILogger logger, CancellationToken ct, EnsembleMemberKinds? kinds = null)
    {
        if (!labelled.HasLabels) { throw new DataContentException("the backtest needs labelled rows (is_clicked, is_installed)"); }
        if (variants.Count == 0) { throw new ConfigurationException("the backtest needs at least one variant"); }
        if (variants.Select(v => v.Name).Distinct(StringComparer.Ordinal).Count() != variants.Count)
        {
            throw new ConfigurationException($"variant names must differ: {string.Join(", ", variants.Select(v => v.Name))}");
        }
        foreach (var v in variants)
        {
            if (v.Options.ValidationDay is not null)
            {
                throw new ConfigurationException("validation_day", $"can't be set in a backtest (variant {v.Name}: each fold validates on the day before the one it scores)");
            }
            v.Options.Validate(kinds);
        }
        var scorable = ScorableDays(labelled);
        foreach (var d in days)
        {
            if (!scorable.Contains(d))
            {
                throw new ConfigurationException(scorable.Length == 0
                    ? $"day {d} can't be scored: the data has fewer than three labelled days"
                    : $"day {d} can't be scored: expected a labelled day with two labelled days before it ({scorable[0]}..{scorable[^1]})");
            }
        }
        var folds = variants.ToDictionary(v => v.Name, _ => new List<BacktestFold>(), StringComparer.Ordinal);
        foreach (var day in days)
        {
            var (train, scored, scoredRows) = Cut(labelled, day);
            var labels = SplitLabels.At(labelled.Label(Schema.InstallLabel).Values, scoredRows);
            var probabilities = truth is null ? null : scored.RowIds.Select(id => truth.TryGetValue(id, out var p) ? p
                : throw new ArgumentException($"no true probability for row {id}", nameof(truth))).ToArray();
            var newAds = train.TryGetCategorical(Workflow.AdColumn, out var trainAds) && scored.TryGetCategorical(Workflow.AdColumn, out var ads)
                ? Workflow.NewAdRows(ads, [.. trainAds.Levels])
                : [];
            foreach (var variant in variants)
            {
                ct.ThrowIfCancellationRequested();
                logger.LogInformation("backtest day {Day}, variant {Variant}: training on days {First}..{Last} ({Rows:N0} rows)",
                    day, variant.Name, train.Days.Min(), train.Days.Max(), train.RowCount);
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                using var system = TrainFold(train, scored, variant.Options, new PrefixLogger(logger, $"day {day} {variant.Name}:"), ct, kinds);
                var scores = system.Score(scored);
                var metrics = scores.Evaluate(day, labels, probabilities);
                var newAdMetrics = newAds.Length == 0 ? null
                    : scores.Select(newAds).Evaluate(day, SplitLabels.At(labels, newAds), probabilities is null ? null : SplitLabels.At(probabilities, newAds));
                var fold = new BacktestFold(day, train.RowCount, metrics, newAdMetrics, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
                folds[variant.Name].Add(fold);
                logger.LogInformation("backtest day {Day}, variant {Variant}: ensemble logloss {LogLoss:F5} ({Seconds:F0} s)", day, variant.Name, fold.LogLoss, fold.Seconds);
            }
        }
        return new BacktestReport([.. days], folds.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<BacktestFold>)kv.Value, StringComparer.Ordinal),
            Differences(variants, folds));
    }

    /// <summary>Each variant after the first against the first: over every scored row, and over the new-ad rows
    /// when every day has some.</summary>
    private static List<PairedDifference> Differences(IReadOnlyList<BacktestVariant> variants, Dictionary<string, List<BacktestFold>> folds)
    {
        var reference = variants[0].Name;
        var result = new List<PairedDifference>();
        foreach (var variant in variants.Skip(1))
        {
            var pairs = folds[variant.Name].Zip(folds[reference]).ToList();
            result.Add(PairedDifference.Of(variant.Name, reference, "all", pairs.Select(p => p.First.LogLoss - p.Second.LogLoss).ToList()));
            if (pairs.All(p => p.First.NewAdLogLoss is not null && p.Second.NewAdLogLoss is not null))
            {
                result.Add(PairedDifference.Of(variant.Name, reference, "new-ad", pairs.Select(p => p.First.NewAdLogLoss!.Value - p.Second.NewAdLogLoss!.Value).ToList()));
            }
        }
        return result;
    }

    /// <summary>The data set as it was before <paramref name="day"/>'s labels existed: the labelled rows of earlier
    /// days (the frame a fold trains on), and <paramref name="day"/>'s rows without labels (the frame it scores, and
    /// their positions in <paramref name="labelled"/>).</summary>
    internal static (Frame Train, Frame Scored, int[] ScoredRows) Cut(Frame labelled, int day)
    {
        var scoredRows = RowsWhere(labelled, d => d == day);
        return (labelled.Select(RowsWhere(labelled, d => d < day), keepLabels: true), labelled.Select(scoredRows, keepLabels: false), scoredRows);
    }

    /// <summary>One fold's system, trained as <c>cvr train</c> trains on <paramref name="train"/> (its last day
    /// validates).</summary>
    internal static TrainedSystem TrainFold(Frame train, Frame scored, TrainingOptions options, ILogger logger, CancellationToken ct,
        EnsembleMemberKinds? kinds = null)
        => new TwoStageTrainer(options, logger, new PhaseTimer(), kinds: kinds).Train(train, scored, ct);

    private static int[] RowsWhere(Frame frame, Func<int, bool> day)
    {
        var rows = new List<int>();
        for (var i = 0; i < frame.RowCount; i++) { if (day(frame.Days[i])) { rows.Add(i); } }
        return [.. rows];
    }
}
