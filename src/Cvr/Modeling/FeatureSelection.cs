using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.LightGbm;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>What feature selection decided and why: every candidate feature's share of the probe models' gain
/// (each probe's total gain normalised to 1, the two summed, so the shares add up to 2), most important first, and
/// whether it was kept. Recorded in the bundle's manifest for the training report.</summary>
public sealed record FeatureSelectionDecision(
    [property: JsonPropertyName("share")] double Share,
    [property: JsonPropertyName("probe_rows")] int ProbeRows,
    [property: JsonPropertyName("kept_gain_share")] double KeptGainShare,
    [property: JsonPropertyName("features")] IReadOnlyList<FeatureGainShare> Features);

/// <summary>One candidate feature of <see cref="FeatureSelectionDecision"/>.</summary>
public sealed record FeatureGainShare(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("gain_share")] double GainShare,
    [property: JsonPropertyName("kept")] bool Kept);

/// <summary>
/// Feature selection by measured importance: two short probe models (e2e and like, the preset's parameters at learning rate
/// <see cref="ProbeLearningRate"/>, at most <see cref="ProbeRounds"/> rounds, early-stopped on the validation day)
/// train on every feature; each one's total gain is normalised to 1 and summed; the features that carry the given
/// share of it, most important first, are kept. Only training-day rows shape the models and the validation day only
/// stops them, so the choice is proven on the validation day and never sees the test day. Every later model (and
/// prediction, through the bundle's fitted pipeline) uses only the kept features, so each boosting round scans
/// fewer columns.
/// </summary>
internal static class FeatureSelection
{
    public const double ProbeLearningRate = 0.1;

    /// <summary>At most this many training rows feed the probes (every k-th training row beyond it): a ranking of
    /// features needs fewer rows than the models, and the probes' cost must not grow with the data (at scale 1.0,
    /// 3.4M rows, probes on every row took 6 of the run's minutes). Fewer rows were tried at scale 0.1: probes on
    /// 48k of 339k rows made the run 0.6× as long, but the rolling backtest lost 0.00097 logloss on average over
    /// three days (every day worse), so the probes keep every row up to this cap (bench/results/time-to-quality.md,
    /// "Feature selection that pays for itself").</summary>
    public const int ProbeRows = 400_000;

    /// <summary>The preset's selection steps aside below this many training rows, where the probes (and the second
    /// feature fit and binning they bring) cost more than the cheaper rounds save. Measured per round (the models'
    /// rounds vary ±15 % from run to run with the feature list, so wall times alone can't tell): at 174k rows the
    /// probes took 28 s and saved 30 % a round (0.065 against 0.093 s) of ~40 s of rounds; at 35k rows 5 s of
    /// probes saved 7 % of 10 s. Selection made the default run 1.5× (174k rows) and 1.06× (35k rows) as long, and
    /// the rolling backtest found it bought nothing beyond its noise there: without it, +0.00018 ± 0.00026 logloss at
    /// 174k rows (new-ad rows −0.0030 ± 0.0015), −0.00039 ± 0.00139 at 35k rows. From 339k rows on it runs: there it
    /// improved the backtest by ~0.001. An explicit <c>--select-features</c> selects at any size.</summary>
    public const int PresetMinimumRows = 250_000;

    public const int ProbeRounds = 150;
    private const int ProbePatience = 20;

    /// <summary>
    /// The features to keep, in the pipeline's order, when <see cref="TrainingOptions.FeatureSelectionShare"/> asks
    /// for a selection and the feature config has no list of its own; null: the config's features, all of them or its
    /// own list. The options are left alone: the list is the plan's (<see cref="TrainingPlan.Kept"/>), fitted by
    /// <see cref="ModelInputs.Build(Frame, Frame?, DaySplit, TrainingOptions, ILogger, PhaseTimer?, bool, bool, bool, IReadOnlyList{string}?)"/>
    /// and recorded by the fitted pipeline in the bundle, so prediction computes exactly those columns.
    /// </summary>
    /// <param name="decision">The decision with every feature's gain share; null when nothing was selected.</param>
    public static IReadOnlyList<string>? Select(Frame train, Frame? test, DaySplit split, TrainingOptions options, ILogger logger, PhaseTimer timer, CancellationToken ct,
        out FeatureSelectionDecision? decision)
    {
        decision = null;
        if (options.FeatureSelectionShare is not { } share || options.Features.Keep is not null)
        {
            return null;
        }
        if (options.SelectFeatures is null && split.TotalTrainRows < PresetMinimumRows)
        {
            logger.LogInformation("feature selection: skipped, {Rows:N0} training rows are fewer than {Minimum:N0}, where the probes cost more than they save (--select-features forces it)",
                split.TotalTrainRows, PresetMinimumRows);
            return null;
        }
        using var probe = ModelInputs.Build(train, test, ProbeSplit(split), options, logger, timer, stageTwo: false);
        var made = timer.Time("feature selection", () => Decide(probe, options, share, logger, ct));
        decision = made;
        return KeptInOrder(probe, made);
    }

    /// <summary>The split with every k-th training row, k chosen so at most <see cref="ProbeRows"/> remain; the
    /// validation day whole. On a rank, every k-th of every rank's training rows (so the same rows as one machine).</summary>
    internal static DaySplit ProbeSplit(DaySplit split)
    {
        var stride = (split.TotalTrainRows + ProbeRows - 1) / ProbeRows;
        return stride <= 1 ? split : EveryKthRow(split, stride);
    }

    /// <summary>The split with the training rows at positions p with p mod <paramref name="stride"/> = 0; on a rank of a
    /// data-parallel job, positions among every rank's rows (its own rows at those positions).</summary>
    internal static DaySplit EveryKthRow(DaySplit split, int stride)
    {
        var offset = split.Ranks?.Offset ?? 0;
        return split with { TrainRows = [.. split.TrainRows.Where((_, i) => (offset + i) % stride == 0)], Ranks = split.Ranks?.EveryKth(stride) };
    }

    private static string[] KeptInOrder(ModelInputs inputs, FeatureSelectionDecision decision)
    {
        var kept = decision.Features.Where(f => f.Kept).Select(f => f.Feature).ToHashSet(StringComparer.Ordinal);
        return [.. inputs.Pipeline.FeatureNames.Where(kept.Contains)];
    }

    private static FeatureSelectionDecision Decide(ModelInputs inputs, TrainingOptions options, double share, ILogger logger, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        var names = inputs.Pipeline.FeatureNames;
        logger.LogInformation("feature selection: probing e2e and like on {Rows:N0} training rows, {Features} features", inputs.Split.TotalTrainRows, names.Count);
        var gain = new double[names.Count];
        foreach (var model in new[] { ModelNames.EndToEnd, ModelNames.Like })
        {
            // The preset's parameters, not the user's overrides: the kept list then depends on the data and the seed
            // only, so cvr tune and cvr train --params with the tuned file keep the same features.
            var parameters = (options with { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>>() })
                .ParametersFor(model) with { LearningRate = ProbeLearningRate };
            var (trained, _) = inputs.Train(model, parameters, ProbeRounds, ProbePatience, [], ct);
            using var booster = trained.Booster;
            var importance = booster.FeatureImportance(FeatureImportanceKind.Gain, trained.BestIteration);
            var total = importance.Sum();
            for (var j = 0; j < gain.Length && total > 0; j++) { gain[j] += importance[j] / total; }
        }
        var order = Enumerable.Range(0, names.Count).OrderByDescending(j => gain[j]).ThenBy(j => j).ToArray();
        var target = share * gain.Sum();
        var kept = new HashSet<int>();
        var sum = 0.0;
        foreach (var j in order)
        {
            if (kept.Count > 0 && sum >= target) { break; }
            kept.Add(j);
            sum += gain[j];
        }
        logger.LogInformation("feature selection: {Kept} of {All} features carry {Share:P1} of the probe models' gain", kept.Count, names.Count, sum / gain.Sum());
        return new FeatureSelectionDecision(share, inputs.Split.TotalTrainRows, sum / gain.Sum(),
            [.. order.Select(j => new FeatureGainShare(names[j], gain[j], kept.Contains(j)))]);
    }
}
