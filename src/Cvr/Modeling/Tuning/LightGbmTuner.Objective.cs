using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Cvr.Modeling;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

public static partial class LightGbmTuner
{
    /// <summary>
    /// One trial: the model's parameters as <see cref="TrainingOptions.ParametersFor"/> gives them (the preset and
    /// the base --params), overridden by the sampled values; trained with train's early stopping and the pruner.
    /// </summary>
    private static double Objective(
        Trial trial, SearchSpace space, string model, string? maxBin, TuningData data, TrainingOptions training, string setup, CancellationToken ct)
    {
        trial.SetUserAttribute(SetupAttribute, setup);
        var sampled = SearchSpaces.ToLightGbm(trial.Suggest(space));
        var bins = sampled.GetValueOrDefault(SearchSpaces.MaxBin) ?? maxBin;
        var (train, valid) = data.For(model, bins);
        var values = new Dictionary<string, string>(training.ParametersFor(model).Extra, StringComparer.Ordinal);
        foreach (var (key, value) in sampled) { values[key] = value; }
        values["metric"] = Metric; // the objective and the pruner read it, whatever the base parameters say
        var parameters = new LightGbmParameters { Extra = values };

        var pruning = new PruningCallback(trial, Metric, ValidationName);
        ITrainingCallback[] callbacks = [pruning, new EarlyStopping(training.Patience, metric: Metric, dataName: ValidationName)];
        var result = Trainer.Train(parameters, train, training.Rounds, [(ValidationName, valid)], callbacks, cancellationToken: ct);
        using var booster = result.Booster;
        pruning.ThrowIfPruned();
        trial.SetUserAttribute(BestIterationAttribute, result.BestIteration);
        // No evaluated iteration (LightGBM found nothing to split at all): NaN fails the trial, as in Optuna.
        return result.History
            .FirstOrDefault(h => h.Iteration == result.BestIteration)?.Results
            .First(r => r.DataName == ValidationName && r.MetricName == Metric).Value ?? double.NaN;
    }
}
