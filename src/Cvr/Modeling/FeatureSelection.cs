using Cvr.Data;
using Cvr.LightGbm;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// Feature selection by measured importance: two short probe models (e2e and like, learning rate
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
    public const int ProbeRounds = 150;
    private const int ProbePatience = 20;

    public static IReadOnlyList<string> Select(ModelInputs inputs, TrainingOptions options, double share, ILogger logger, CancellationToken ct)
    {
        if (share is not (> 0 and <= 1))
        {
            throw new ConfigurationException($"--select-features must be a share of the gain in (0, 1], not {share}");
        }
        var names = inputs.Pipeline.FeatureNames;
        var gain = new double[names.Count];
        foreach (var model in new[] { ModelNames.EndToEnd, ModelNames.Like })
        {
            var parameters = options.ParametersFor(model) with { LearningRate = ProbeLearningRate };
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
        var keep = Enumerable.Range(0, names.Count).Where(kept.Contains).Select(j => names[j]).ToArray();
        logger.LogInformation("feature selection: {Kept} of {All} features carry {Share:P1} of the probe models' gain", keep.Length, names.Count, sum / gain.Sum());
        return keep;
    }
}
