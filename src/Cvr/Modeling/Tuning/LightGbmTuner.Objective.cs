using Cvr.LightGbm.Training;
using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

public static partial class LightGbmTuner
{
    /// <summary>
    /// One trial: the model's parameters as <see cref="TrainingOptions.ParametersFor"/> gives them (the preset and
    /// the base --params), overridden by the sampled values; trained through <see cref="ModelInputs.Train"/>, the
    /// path <c>cvr train</c> takes, with the pruner beside its early stopping.
    /// </summary>
    private static double Objective(
        Trial trial, SearchSpace space, string model, int? maxBin, ModelInputs inputs, TrainingOptions training, string setup, CancellationToken ct)
    {
        trial.SetUserAttribute(SetupAttribute, setup);
        var sampled = SearchSpaces.ToLightGbm(trial.Suggest(space));
        // The objective and the pruner read the metric, whatever the base parameters say.
        var parameters = training.ParametersFor(model).WithOverrides(sampled) with { Metrics = [TrainingOptions.Metric] };
        // cvr train bins every model with e2e's parameters: like and install train on e2e's (tuned) max_bin.
        var bins = model == ModelNames.EndToEnd ? parameters.MaxBin : maxBin;
        var pruning = new PruningCallback(trial, TrainingOptions.Metric, ModelInputs.ValidationName);
        var (trained, _) = inputs.Train(model, parameters, training.Rounds, training.Patience, [pruning], ct, bins);
        using var booster = trained.Booster;
        pruning.ThrowIfPruned();
        trial.SetUserAttribute(BestIterationAttribute, trained.BestIteration);
        // No evaluated iteration (LightGBM found nothing to split at all): NaN fails the trial, as in Optuna.
        return trained.ValidationLogLoss ?? double.NaN;
    }
}
