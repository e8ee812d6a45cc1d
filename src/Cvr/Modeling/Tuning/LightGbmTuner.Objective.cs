using Cvr.Data;
using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging.Abstractions;
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
        var pruning = new PruningCallback(trial, TrainingOptions.Metric, ModelFitter.ValidationName);
        var (trained, _) = inputs.Train(model, parameters, training.Rounds, training.Patience, [pruning], ct, bins);
        using var booster = trained.Booster;
        pruning.ThrowIfPruned();
        trial.SetUserAttribute(BestIterationAttribute, trained.BestIteration);
        // No evaluated iteration (LightGBM found nothing to split at all): NaN fails the trial, as in Optuna.
        return trained.ValidationLogLoss ?? double.NaN;
    }

    /// <summary>
    /// One trial of the deep model: its hyperparameters as <see cref="TrainingOptions.MmoeParameters"/> gives them
    /// (the base --params' "mmoe" section) overridden by the sampled values; trained by the registered kind, the
    /// path <c>cvr train --mmoe</c> takes, on the same fitted features; scored by the validation day's install
    /// logloss of the estimate it chose (epochs are few, so trials are not pruned).
    /// </summary>
    private static double MmoeObjective(Trial trial, SearchSpace space, Frame train, ModelInputs inputs, TrainingOptions training, string setup, CancellationToken ct)
    {
        trial.SetUserAttribute(SetupAttribute, setup);
        if (!EnsembleMembers.TryGet(ModelNames.Mmoe, out var kind))
        {
            throw new ConfigurationException("this program can't train the deep model (no mmoe member kind registered)");
        }
        var section = new Dictionary<string, string>(training.Parameters.GetValueOrDefault(ModelNames.Mmoe) ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in SearchSpaces.ToMmoe(trial.Suggest(space))) { section[key] = value; }
        var options = training with { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>>(training.Parameters) { [ModelNames.Mmoe] = section } };
        var (member, validation) = kind.Train(train, inputs, options, NullLogger.Instance, new PhaseTimer(), null, ct);
        trial.SetUserAttribute(BestIterationAttribute, member.BestIteration);
        member.Dispose();
        return Metrics.LogLoss(inputs.Labels.ValidInstalled, validation);
    }
}
