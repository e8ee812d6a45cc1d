using Cvr.LightGbm;
using Cvr.LightGbm.Training;

namespace Cvr.Modeling;

/// <summary>One trained LightGBM model of the system with what was learned about it on the validation day.</summary>
public sealed class TrainedModel(string name, Booster booster, int bestIteration, int iterationsRun, string stopReason, double? validationLogLoss)
{
    public string Name { get; } = name;

    public Booster Booster { get; } = booster;

    public int BestIteration { get; } = bestIteration;

    public int IterationsRun { get; } = iterationsRun;

    public string StopReason { get; } = stopReason;

    /// <summary>LightGBM's binary_logloss on the validation day (stage 2: its liked rows) at the best iteration;
    /// null when trained without a validation day (refit).</summary>
    public double? ValidationLogLoss { get; } = validationLogLoss;

    /// <summary>Training and validation logloss per iteration, for the training report; null when not recorded
    /// (probes and tuning trials, bundles written before cvr recorded it, objectives other than binary).</summary>
    public LearningCurve? Curve { get; init; }
}
