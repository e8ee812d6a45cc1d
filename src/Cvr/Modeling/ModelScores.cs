namespace Cvr.Modeling;

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

    /// <summary>These scores restricted to <paramref name="rows"/>, in that order.</summary>
    public ModelScores Select(int[] rows)
        => new(SplitLabels.At(RowIds, rows), SplitLabels.At(Ts, rows), SplitLabels.At(E2e, rows), SplitLabels.At(TsCalibrated, rows),
            SplitLabels.At(E2eCalibrated, rows), SplitLabels.At(Ensemble, rows), Baseline is null ? null : SplitLabels.At(Baseline, rows),
            Click is null ? null : SplitLabels.At(Click, rows));

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
