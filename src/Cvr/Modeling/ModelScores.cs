namespace Cvr.Modeling;

/// <summary>An ensemble member's install probabilities for a set of rows: as predicted, and calibrated.</summary>
public sealed record MemberScores(string Name, double[] Raw, double[] Calibrated)
{
    public static string RawName(string member) => $"Model_{member}";

    public static string CalibratedName(string member) => $"Model_{member}-cal";
}

/// <summary>Probabilities of every model for a set of rows: the paper's five rows, the ensemble members, the
/// baseline and the click model.</summary>
public sealed record ModelScores(long[] RowIds, double[] Ts, double[] E2e, double[] TsCalibrated, double[] E2eCalibrated, double[] Ensemble, double[]? Baseline, double[]? Click)
{
    public const string TsName = "Model_ts", E2eName = "Model_e2e", TsCalName = "Model_ts-cal", E2eCalName = "Model_e2e-cal", EnsembleName = "ensemble", BaselineName = "baseline (raw columns)";

    /// <summary>Members beside Model_ts and Model_e2e, in the system's order.</summary>
    public IReadOnlyList<MemberScores> Members { get; init; } = [];

    public IEnumerable<(string Name, double[] Values)> Rows()
    {
        yield return (TsName, Ts);
        yield return (E2eName, E2e);
        yield return (TsCalName, TsCalibrated);
        yield return (E2eCalName, E2eCalibrated);
        foreach (var member in Members)
        {
            yield return (MemberScores.RawName(member.Name), member.Raw);
            yield return (MemberScores.CalibratedName(member.Name), member.Calibrated);
        }
        yield return (EnsembleName, Ensemble);
        if (Baseline is not null) { yield return (BaselineName, Baseline); }
    }

    /// <summary>These scores restricted to <paramref name="rows"/>, in that order.</summary>
    public ModelScores Select(int[] rows)
        => new(SplitLabels.At(RowIds, rows), SplitLabels.At(Ts, rows), SplitLabels.At(E2e, rows), SplitLabels.At(TsCalibrated, rows),
            SplitLabels.At(E2eCalibrated, rows), SplitLabels.At(Ensemble, rows), Baseline is null ? null : SplitLabels.At(Baseline, rows),
            Click is null ? null : SplitLabels.At(Click, rows))
        {
            Members = [.. Members.Select(m => m with { Raw = SplitLabels.At(m.Raw, rows), Calibrated = SplitLabels.At(m.Calibrated, rows) })],
        };

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
