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
    /// One trial of an ensemble member: its options as its --params section gives them (the base --params), overridden
    /// by the sampled values (<see cref="IEnsembleMemberKind.ToParameters"/>); trained by its kind, the path
    /// <c>cvr train</c> takes for members, on the same fitted features; scored by the validation day's install
    /// logloss of the member's probabilities (a member's rounds are few, so trials are not pruned).
    /// </summary>
    private static double MemberObjective(Trial trial, SearchSpace space, IEnsembleMemberKind kind, Frame train, ModelInputs inputs,
        TrainingOptions training, string setup, CancellationToken ct)
    {
        trial.SetUserAttribute(SetupAttribute, setup);
        var section = new Dictionary<string, string>(training.Parameters.GetValueOrDefault(kind.Name) ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in kind.ToParameters(trial.Suggest(space))) { section[key] = value; }
        var options = training with { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>>(training.Parameters) { [kind.Name] = section } };
        var (member, validation) = kind.Train(train, inputs, options, NullLogger.Instance, new PhaseTimer(), null, ct);
        using (member)
        {
            trial.SetUserAttribute(BestIterationAttribute, member.BestIteration);
        }
        return Metrics.LogLoss(inputs.Labels.ValidInstalled, validation, inputs.ValidWeights);
    }
}
