using ScottPlot;

namespace Cvr.Reporting;

/// <summary>The training report's charts as PNG (ScottPlot), by id; drawn in parallel.</summary>
internal static class TrainingReportCharts
{
    private const int Width = Analysis.Charts.Width, Height = Analysis.Charts.Height, WideWidth = Analysis.Charts.WideWidth;

    /// <summary>Features drawn in an importance or SHAP bar chart.</summary>
    public const int TopFeatures = 20;

    private const string TrainColor = "#1f77b4", ValidColor = "#ff7f0e", TestColor = "#2ca02c";

    private static readonly string[] s_palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

    public static string CurveId(string model) => "curve-" + model;

    public static string ImportanceId(string model) => "importance-" + model;

    public static string ShapId(string model) => "shap-" + model;

    public static string DependenceId(string model, int k) => $"dependence-{model}-{k}";

    public static string ReliabilityId(string split, bool calibrated) => $"reliability-{split}-{(calibrated ? "after" : "before")}";

    public const string SelectionId = "selection", DaysId = "days";

    public static Dictionary<string, byte[]> Render(TrainingReport report, ParallelOptions parallel)
    {
        var jobs = new List<(string Id, Func<byte[]> Draw)>();
        foreach (var m in report.Models)
        {
            if (m.Curve is { } curve) { jobs.Add((CurveId(m.Name), () => Curve(m, curve))); }
            if (m.Importance.Count > 0) { jobs.Add((ImportanceId(m.Name), () => Bars($"{m.Name}: gain share (top {TopFeatures})", "share of the model's gain",
                [.. m.Importance.Take(TopFeatures).Select(f => (f.Feature, f.GainShare))]))); }
            if (m.Shap is { } shap)
            {
                jobs.Add((ShapId(m.Name), () => Bars($"{m.Name}: mean |SHAP| on {shap.Rows:N0} validation rows", "mean |SHAP| (log-odds)",
                    [.. shap.Features.Take(TopFeatures).Select(f => (f.Feature, f.MeanAbs))])));
                for (var k = 0; k < shap.Dependence.Count; k++)
                {
                    var d = shap.Dependence[k];
                    jobs.Add((DependenceId(m.Name, k), () => Dependence(m.Name, d)));
                }
            }
        }
        if (report.Selection is { } selection) { jobs.Add((SelectionId, () => Selection(selection))); }
        foreach (var day in report.Reliability)
        {
            jobs.Add((ReliabilityId(day.Split, false), () => Reliability(day, calibrated: false)));
            jobs.Add((ReliabilityId(day.Split, true), () => Reliability(day, calibrated: true)));
        }
        jobs.Add((DaysId, () => Days(report)));
        var images = new byte[jobs.Count][];
        Parallel.For(0, jobs.Count, parallel, i => images[i] = jobs[i].Draw());
        return jobs.Select((j, i) => (j.Id, images[i])).ToDictionary(p => p.Id, p => p.Item2, StringComparer.Ordinal);
    }

    private static byte[] Curve(ModelSection m, LightGbm.Training.LearningCurve curve)
    {
        var plot = Analysis.Charts.NewPlot();
        var member = m.Kind == ModelSection.MemberKind;
        AddLine(plot, curve.Iterations, curve.Training, member ? "training loss (multi-task)" : "training", TrainColor);
        AddLine(plot, curve.Iterations, curve.Validation, "validation day", ValidColor);
        var best = plot.Add.VerticalLine(m.BestIteration);
        best.Color = Colors.Black.WithAlpha(0.5);
        best.LinePattern = LinePattern.Dashed;
        var round = member ? "epoch" : "iteration";
        best.LegendText = $"best {round} {m.BestIteration}";
        plot.Title($"{m.Name}: {(member ? "loss" : "logloss")} per {round}");
        plot.XLabel(round);
        plot.YLabel("logloss");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void AddLine(Plot plot, IReadOnlyList<int> iterations, IReadOnlyList<double?> values, string label, string color)
    {
        var points = iterations.Zip(values).Where(p => p.Second is not null).ToArray();
        if (points.Length == 0) { return; }
        var line = plot.Add.ScatterLine(points.Select(p => (double)p.First).ToArray(), points.Select(p => p.Second!.Value).ToArray());
        line.LegendText = label;
        line.LineWidth = 2;
        line.Color = Color.FromHex(color);
    }

    /// <summary>Horizontal bars, the largest on top.</summary>
    private static byte[] Bars(string title, string xLabel, (string Label, double Value)[] bars)
    {
        var plot = Analysis.Charts.NewPlot();
        var n = bars.Length;
        plot.Add.Bars(bars.Select((b, i) => new Bar { Position = n - 1 - i, Value = b.Value, FillColor = Color.FromHex(TrainColor), Orientation = Orientation.Horizontal }).ToArray());
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, n).Select(i => (double)(n - 1 - i))], [.. bars.Select(b => b.Label)]);
        plot.Axes.Margins(left: 0);
        plot.Title(title);
        plot.XLabel(xLabel);
        return plot.GetImageBytes(Width, Math.Max(Height, 60 + 18 * n), ImageFormat.Png);
    }

    private static byte[] Dependence(string model, ShapDependence d)
    {
        var plot = Analysis.Charts.NewPlot();
        var points = plot.Add.ScatterPoints(d.Values.Select(v => (double)v).ToArray(), d.Contributions.ToArray());
        points.MarkerSize = 3;
        points.Color = Color.FromHex(TrainColor).WithAlpha(0.5);
        plot.Title($"{model}: SHAP of {d.Feature}");
        plot.XLabel(d.Feature);
        plot.YLabel("SHAP (log-odds)");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static byte[] Selection(Modeling.FeatureSelectionDecision selection)
    {
        var plot = Analysis.Charts.NewPlot();
        var kept = selection.Features.Select((f, i) => (f, i)).Where(p => p.f.Kept).ToArray();
        var dropped = selection.Features.Select((f, i) => (f, i)).Where(p => !p.f.Kept).ToArray();
        if (kept.Length > 0) { plot.Add.Bars(kept.Select(p => new Bar { Position = p.i, Value = p.f.GainShare, FillColor = Color.FromHex(TestColor) }).ToArray()).LegendText = "kept"; }
        if (dropped.Length > 0) { plot.Add.Bars(dropped.Select(p => new Bar { Position = p.i, Value = p.f.GainShare, FillColor = Color.FromHex("#d62728") }).ToArray()).LegendText = "dropped"; }
        plot.Title("Feature selection: each feature's share of the probes' gain, most important first");
        plot.XLabel("feature rank");
        plot.YLabel("gain share (the probes sum to 2)");
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(WideWidth, Height, ImageFormat.Png);
    }

    private static byte[] Reliability(ReliabilityDay day, bool calibrated)
    {
        var plot = Analysis.Charts.NewPlot();
        var curves = day.Curves.Where(c => c.Calibrated == calibrated).ToArray();
        var max = curves.SelectMany(c => c.Bins).Select(b => Math.Max(b.MeanPredicted, b.ObservedRate)).DefaultIfEmpty(1).Max();
        var diagonal = plot.Add.Line(0, 0, max, max);
        diagonal.Color = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "calibrated";
        for (var i = 0; i < curves.Length; i++)
        {
            var c = curves[i];
            var line = plot.Add.ScatterLine(c.Bins.Select(b => b.MeanPredicted).ToArray(), c.Bins.Select(b => b.ObservedRate).ToArray());
            line.LegendText = $"{c.Model} (ECE {c.Ece:F4})";
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.Color = Color.FromHex(s_palette[i % s_palette.Length]);
        }
        plot.Title($"Day {day.Day} ({day.Split}): {(calibrated ? "after ω" : "before ω")}");
        plot.XLabel("mean predicted install probability (equal-count bins)");
        plot.YLabel("observed install rate");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static byte[] Days(TrainingReport report)
    {
        var plot = Analysis.Charts.NewPlot();
        foreach (var (split, color) in new[] { (TrainingReportBuilder.TrainSplit, TrainColor), (TrainingReportBuilder.ValidationSplit, ValidColor), (TrainingReportBuilder.TestSplit, TestColor) })
        {
            var rows = report.Days.Where(d => d.Split == split && d.RowSet == DayRow.AllRows).ToArray();
            if (rows.Length == 0) { continue; }
            var points = plot.Add.ScatterLine(rows.Select(d => (double)d.Day).ToArray(), rows.Select(d => d.LogLoss).ToArray());
            points.LegendText = split + (split == TrainingReportBuilder.TrainSplit ? " (in-sample)" : "");
            points.MarkerSize = 6;
            points.LineWidth = rows.Length > 1 ? 2 : 0;
            points.Color = Color.FromHex(color);
        }
        plot.Title("Ensemble logloss per day");
        plot.XLabel("day (f_1)");
        plot.YLabel("logloss");
        plot.ShowLegend(Alignment.LowerLeft);
        return plot.GetImageBytes(WideWidth, Height, ImageFormat.Png);
    }
}
