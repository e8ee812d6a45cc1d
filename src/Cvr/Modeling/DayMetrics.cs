using System.Text.Json.Serialization;

namespace Cvr.Modeling;

/// <summary>Metrics of the paper's five rows (and the baseline) on one day.</summary>
public sealed record DayMetrics(
    [property: JsonPropertyName("day")] int Day,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("install_rate")] double InstallRate,
    [property: JsonPropertyName("truth_logloss")] double? TruthLogLoss,
    [property: JsonPropertyName("models")] IReadOnlyList<MetricRow> Models);
