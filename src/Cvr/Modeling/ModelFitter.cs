using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;

namespace Cvr.Modeling;

/// <summary>
/// The one model fitter: every LightGBM model of the system trains here — the paper's models and the click model
/// (<see cref="ModelInputs.Train"/>), the raw-columns baseline, the feature-selection probes and the tuner's trials —
/// so early stopping, the best iteration, the learning curve and the validation logloss mean the same for all of them.
/// </summary>
internal static class ModelFitter
{
    internal const string ValidationName = "validation";

    /// <summary>
    /// Trains up to <paramref name="rounds"/> iterations on <paramref name="data"/>, early-stopped after
    /// <paramref name="patience"/> rounds without a better validation binary_logloss when it has validation rows
    /// (every iteration run otherwise); the booster's best iteration is set by the training loop. Returns the model
    /// with its validation logloss, computed by <see cref="Metrics.LogLoss"/> from its predictions (bit-reproducible,
    /// unlike LightGBM's parallel sum), and those predictions for every validation row.
    /// </summary>
    /// <param name="recordCurve">Record the learning curve (<see cref="TrainedModel.Curve"/>) for the training report.</param>
    public static (TrainedModel Model, double[]? Validation) Fit(string name, LightGbmParameters parameters, FitData data, int rounds, int patience,
        IEnumerable<ITrainingCallback> callbacks, bool recordCurve, PhaseTimer timer, CancellationToken ct)
    {
        var recorder = recordCurve ? new LearningCurveRecorder(data.Train.GetLabel(), data.Valid?.GetLabel(), LearningCurveRecorder.PeriodFor(data.Train.RowCount)) : null;
        var all = callbacks.ToList();
        all.Add(PeerWatch.Progress);
        if (recorder is not null) { all.Add(recorder); }
        if (data.Valid is not null) { all.Add(new EarlyStopping(patience, metric: TrainingOptions.Metric, dataName: ValidationName)); }
        var result = timer.Time("lightgbm: train", () => Trainer.Train(parameters, data.Train, rounds,
            data.Valid is null ? null : [(ValidationName, data.Valid)], all, cancellationToken: ct));
        if (data.ValidRows is null)
        {
            return (new TrainedModel(name, result.Booster, result.BestIteration, result.IterationsRun, result.StopReason, null) { Curve = recorder?.Curve }, null);
        }
        var predictions = timer.Time("lightgbm: predict", () => result.Booster.Predict(data.ValidRows));
        var logLoss = data.ScoredRows is { } scored
            ? Metrics.LogLoss(SplitLabels.At(data.ValidLabels!, scored), SplitLabels.At(predictions, scored), data.ValidWeights is { } w ? SplitLabels.At(w, scored) : null)
            : Metrics.LogLoss(data.ValidLabels!, predictions, data.ValidWeights);
        return (new TrainedModel(name, result.Booster, result.BestIteration, result.IterationsRun, result.StopReason, logLoss) { Curve = recorder?.Curve }, predictions);
    }
}

/// <summary>What one model trains on: its binned training rows (labelled for it) and, with a validation day, that day
/// binned the same way, its rows' features, and the labels its logloss is measured on — over every validation row,
/// or over <see cref="ScoredRows"/> (stage 2: the liked rows) when given — with <see cref="ValidWeights"/>, one per
/// validation row, when the rows weigh differently (<see cref="NewAdWeighting"/>; <see cref="Valid"/> then carries the
/// same weights, so early stopping's binary_logloss is weighted too).</summary>
internal sealed record FitData(Dataset Train, Dataset? Valid = null, FeatureMatrix? ValidRows = null, byte[]? ValidLabels = null, int[]? ScoredRows = null,
    double[]? ValidWeights = null);
