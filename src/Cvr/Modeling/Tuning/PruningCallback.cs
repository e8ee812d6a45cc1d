using Cvr.LightGbm;
using Cvr.LightGbm.Training;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>
/// Connects LightGBM's training loop to a trial, like Optuna's LightGBMPruningCallback: after every iteration it
/// reports one validation metric (binary_logloss unless told otherwise) as the trial's intermediate value at step
/// iteration - 1 (steps start at 0, as Optuna's warm-up counting assumes), and stops training with the reason
/// <see cref="StopReason"/> when the pruner says so. The objective then calls <see cref="ThrowIfPruned"/> so the
/// study records the trial as pruned.
/// </summary>
/// <example>
/// <code>
/// var pruning = new PruningCallback(trial);
/// var booster = Trainer.Train(parameters, train, [valid], iterations, [pruning, new EarlyStopping(50)]);
/// pruning.ThrowIfPruned();
/// </code>
/// </example>
public sealed class PruningCallback : ITrainingCallback
{
    public const string StopReason = "pruned";

    private readonly Trial _trial;

    /// <param name="trial">The running trial to report to.</param>
    /// <param name="metric">The metric to report; its direction must be the study's.</param>
    /// <param name="dataName">The validation set to watch; null: the first one added.</param>
    public PruningCallback(Trial trial, string metric = "binary_logloss", string? dataName = null)
    {
        ArgumentNullException.ThrowIfNull(trial);
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        _trial = trial;
        Metric = metric;
        DataName = dataName;
    }

    public string Metric { get; }

    public string? DataName { get; private set; }

    /// <summary>Whether this callback stopped training; the iteration it happened after is <see cref="PrunedAt"/>.</summary>
    public bool Pruned => PrunedAt is not null;

    public int? PrunedAt { get; private set; }

    // After reporters (so the last iteration is logged) and before early stopping (30), so a pruned run says so.
    public int Order => 20;

    public void BeforeTraining(TrainingContext context)
    {
        var booster = context.Booster;
        if (booster.DataNames.Count < 2)
        {
            throw new InvalidOperationException("Pruning needs a validation set to report from.");
        }
        DataName ??= booster.DataNames[1];
        if (DataName == Booster.TrainingDataName || !booster.DataNames.Contains(DataName))
        {
            throw new InvalidOperationException($"Pruning watches '{DataName}', which is not a validation set of this booster.");
        }
        if (!booster.EvaluationNames.Contains(Metric))
        {
            throw new InvalidOperationException($"Pruning reports metric '{Metric}', but LightGBM evaluates only {string.Join(", ", booster.EvaluationNames)}.");
        }
        PrunedAt = null;
    }

    public void AfterIteration(TrainingContext context)
    {
        var evaluation = context.Evaluations.First(e => e.DataName == DataName && e.MetricName == Metric);
        if (evaluation.HigherIsBetter != (_trial.Direction == StudyDirection.Maximize))
        {
            throw new InvalidOperationException(
                $"Metric '{Metric}' is {(evaluation.HigherIsBetter ? "maximised" : "minimised")} but the study's direction is {_trial.Direction.ToString().ToLowerInvariant()}; the pruner would keep the worst trials.");
        }
        _trial.Report(context.Iteration - 1, evaluation.Value);
        if (_trial.ShouldPrune())
        {
            PrunedAt = context.Iteration;
            context.Stop(StopReason);
        }
    }

    /// <summary>Ends the objective as pruned (Study.Optimize records it) if this callback stopped training.</summary>
    public void ThrowIfPruned()
    {
        if (PrunedAt is { } iteration)
        {
            throw new TrialPrunedException($"Trial {_trial.Number} was pruned after iteration {iteration}.");
        }
    }
}
