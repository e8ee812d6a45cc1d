using System.Text.Json.Serialization;
using Cvr.LightGbm.Training;
using Cvr.Modeling;

namespace Cvr.Reporting;

/// <summary>
/// Everything the training report shows (written as <c>report.json</c>; <c>report.html</c> draws it): per model its
/// learning curve, importance and SHAP summary; the feature-selection decision; reliability before and after ω;
/// per-day metrics with new-ad rows apart; phase times and peak memory.
/// </summary>
public sealed record TrainingReport
{
    public const string FormatName = "cvr-training-report";

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = 1;
    [JsonPropertyName("bundle")] public required string Bundle { get; init; }
    [JsonPropertyName("data")] public required string Data { get; init; }

    /// <summary>Whether the data given is the data the bundle was trained on (its fingerprint matches).</summary>
    [JsonPropertyName("same_data_as_training")] public required bool SameData { get; init; }

    [JsonPropertyName("split")] public required DaySplitSummary Split { get; init; }

    /// <summary>Refitted on every labelled day: the validation day is in-sample for the final models.</summary>
    [JsonPropertyName("refit")] public required bool Refit { get; init; }

    [JsonPropertyName("omega_ts")] public required double OmegaTs { get; init; }
    [JsonPropertyName("omega_e2e")] public required double OmegaE2e { get; init; }
    [JsonPropertyName("ensemble_weights")] public required IReadOnlyDictionary<string, double> EnsembleWeights { get; init; }
    [JsonPropertyName("models")] public required IReadOnlyList<ModelSection> Models { get; init; }
    [JsonPropertyName("feature_selection")] public FeatureSelectionDecision? Selection { get; init; }
    [JsonPropertyName("reliability")] public required IReadOnlyList<ReliabilityDay> Reliability { get; init; }
    [JsonPropertyName("days")] public required IReadOnlyList<DayRow> Days { get; init; }

    /// <summary>The training run's phases and peak memory; null in a report rebuilt later (<c>cvr report</c>).</summary>
    [JsonPropertyName("timings")] public RunTimings? Timings { get; init; }

    /// <summary>What the report does not show, and why.</summary>
    [JsonPropertyName("left_out")] public required IReadOnlyList<string> LeftOut { get; init; }
}

/// <summary>One trained model: a booster (with importance and SHAP) or an ensemble member (its curve only).</summary>
public sealed record ModelSection(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("best_iteration")] int BestIteration,
    [property: JsonPropertyName("iterations_run")] int? IterationsRun,
    [property: JsonPropertyName("stop_reason")] string? StopReason,
    [property: JsonPropertyName("validation_logloss")] double? ValidationLogLoss,
    [property: JsonPropertyName("learning_curve")] LearningCurve? Curve,
    [property: JsonPropertyName("importance")] IReadOnlyList<FeatureImportanceRow> Importance,
    [property: JsonPropertyName("shap")] ShapSummary? Shap)
{
    public const string BoosterKind = "lightgbm", MemberKind = "member";
}

/// <summary>A feature's total gain and split count over the model's trees up to its best iteration.</summary>
public sealed record FeatureImportanceRow(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("gain")] double Gain,
    [property: JsonPropertyName("gain_share")] double GainShare,
    [property: JsonPropertyName("splits")] long Splits);

/// <summary>LightGBM's TreeSHAP on a sample of validation rows, in raw-score (log-odds) space.</summary>
public sealed record ShapSummary(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("expected_value")] double ExpectedValue,
    [property: JsonPropertyName("features")] IReadOnlyList<ShapFeature> Features,
    [property: JsonPropertyName("dependence")] IReadOnlyList<ShapDependence> Dependence);

/// <summary>A feature's mean |SHAP| (its importance for these rows) and mean SHAP (its average push).</summary>
public sealed record ShapFeature(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("mean_abs")] double MeanAbs,
    [property: JsonPropertyName("mean")] double Mean);

/// <summary>A top feature's value against its SHAP value, one point per sampled row.</summary>
public sealed record ShapDependence(
    [property: JsonPropertyName("feature")] string Feature,
    [property: JsonPropertyName("values")] IReadOnlyList<float> Values,
    [property: JsonPropertyName("contributions")] IReadOnlyList<double> Contributions);

/// <summary>Reliability on one labelled day: one curve per model, before and after ω.</summary>
public sealed record ReliabilityDay(
    [property: JsonPropertyName("day")] int Day,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("in_sample")] bool InSample,
    [property: JsonPropertyName("curves")] IReadOnlyList<ReliabilityCurve> Curves);

/// <summary>Equal-count bins of a model's predictions: mean prediction against the observed install rate; ECE is
/// the rows-weighted mean of |mean prediction − observed rate| over the bins; the calibration ratio is the mean
/// prediction over the observed rate (1 is calibrated).</summary>
public sealed record ReliabilityCurve(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("calibrated")] bool Calibrated,
    [property: JsonPropertyName("logloss")] double LogLoss,
    [property: JsonPropertyName("calibration_ratio")] double CalibrationRatio,
    [property: JsonPropertyName("ece")] double Ece,
    [property: JsonPropertyName("bins")] IReadOnlyList<ReliabilityBin> Bins);

public sealed record ReliabilityBin(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("mean_predicted")] double MeanPredicted,
    [property: JsonPropertyName("observed_rate")] double ObservedRate);

/// <summary>One day's metrics of the served probability (the ensemble) and its two calibrated models, on all the
/// day's rows or its new-ad rows.</summary>
public sealed record DayRow(
    [property: JsonPropertyName("day")] int Day,
    [property: JsonPropertyName("split")] string Split,
    [property: JsonPropertyName("rows")] string RowSet,
    [property: JsonPropertyName("evaluated_rows")] int EvaluatedRows,
    [property: JsonPropertyName("day_rows")] int DayRows,
    [property: JsonPropertyName("in_sample")] bool InSample,
    [property: JsonPropertyName("install_rate")] double InstallRate,
    [property: JsonPropertyName("logloss")] double LogLoss,
    [property: JsonPropertyName("logloss_ts_cal")] double LogLossTs,
    [property: JsonPropertyName("logloss_e2e_cal")] double LogLossE2e,
    [property: JsonPropertyName("auc")] double Auc,
    [property: JsonPropertyName("calibration_ratio")] double CalibrationRatio,
    [property: JsonPropertyName("truth_logloss")] double? TruthLogLoss)
{
    public const string AllRows = "all", NewAdRows = "new ads";
}

/// <summary>The training run's phase times (seconds, summed per phase) and the process's peak resident memory.</summary>
public sealed record RunTimings(
    [property: JsonPropertyName("phases_seconds")] IReadOnlyDictionary<string, double> PhaseSeconds,
    [property: JsonPropertyName("peak_rss_bytes")] long PeakResidentBytes);
