using System.Text.Json.Serialization;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>One trained LightGBM model of the system with what was learned about it on the validation day.</summary>
public sealed class TrainedModel(string name, Booster booster, int bestIteration, int iterationsRun, string stopReason, double omega)
{
    public string Name { get; } = name;

    public Booster Booster { get; } = booster;

    public int BestIteration { get; } = bestIteration;

    public int IterationsRun { get; } = iterationsRun;

    public string StopReason { get; } = stopReason;

    /// <summary>The calibration factor ω of the model's predictions (1 where calibration doesn't apply).</summary>
    public double Omega { get; } = omega;
}

/// <summary>Metrics of the paper's five rows (and the baseline) on one day.</summary>
public sealed record DayMetrics(
    [property: JsonPropertyName("day")] int Day,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("install_rate")] double InstallRate,
    [property: JsonPropertyName("truth_logloss")] double? TruthLogLoss,
    [property: JsonPropertyName("models")] IReadOnlyList<MetricRow> Models);

/// <summary>Probabilities of every model for a set of rows: the paper's five rows, the baseline and the click model.</summary>
public sealed record ModelScores(long[] RowIds, double[] Ts, double[] E2e, double[] TsCalibrated, double[] E2eCalibrated, double[] Ensemble, double[]? Baseline, double[]? Click)
{
    public const string TsName = "Model_ts", E2eName = "Model_e2e", TsCalName = "Model_ts-cal", E2eCalName = "Model_e2e-cal", EnsembleName = "ensemble", BaselineName = "baseline (raw columns)";

    public IEnumerable<(string Name, double[] Values)> Rows()
    {
        yield return (TsName, Ts);
        yield return (E2eName, E2e);
        yield return (TsCalName, TsCalibrated);
        yield return (E2eCalName, E2eCalibrated);
        yield return (EnsembleName, Ensemble);
        if (Baseline is not null) { yield return (BaselineName, Baseline); }
    }

    public DayMetrics Evaluate(int day, byte[] installed, double[]? truth)
    {
        var truthLogLoss = truth is null ? (double?)null : Metrics.LogLoss(installed, truth);
        var rows = Rows().Select(r => MetricRow.Of(r.Name, installed, r.Values, truthLogLoss)).ToList();
        if (truth is not null)
        {
            rows.Add(MetricRow.Of("true probabilities", installed, truth, truthLogLoss));
        }
        return new DayMetrics(day, installed.Length, Metrics.Rate(installed), truthLogLoss, rows);
    }
}
