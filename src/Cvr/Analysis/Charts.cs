using ScottPlot;

namespace Cvr.Analysis;

/// <summary>Renders the report's charts as PNG with ScottPlot (no browser-side plotting, so the HTML needs no script library).</summary>
internal static class Charts
{
    public const int Width = 520;
    public const int Height = 260;
    public const int WideWidth = 900;

    /// <summary>ScottPlot's default font resolves to a serif on these machines (dependencies.md).</summary>
    public const string FontName = "DejaVu Sans";

    public const string RowsPerDayId = "rows-per-day";

    public const string ChurnId = "churn";

    private static readonly string[] s_entityColors = ["#d62728", "#9467bd", "#8c564b", "#e377c2"];

    private static readonly Dictionary<string, string> s_splitColors = new(StringComparer.Ordinal)
    {
        [SplitLayout.TrainName] = "#1f77b4",
        [SplitLayout.ValidationName] = "#ff7f0e",
        [SplitLayout.TestName] = "#2ca02c",
    };

    public static string DistributionId(string column) => "dist-" + column;

    public static Dictionary<string, byte[]> Render(AnalysisReport report, ParallelOptions parallel)
    {
        var jobs = new List<(string Id, Func<byte[]> Draw)> { (RowsPerDayId, () => RowsPerDay(report.Overview)) };
        if (report.Churn.Entities.Any(e => e.Days.Any(d => !d.NoEarlierDay)))
        {
            jobs.Add((ChurnId, () => ChurnShares(report.Churn)));
        }
        jobs.AddRange(report.Distributions.Where(d => d.Density is not null)
            .Select(d => (DistributionId(d.Column), (Func<byte[]>)(() => Distribution(d)))));
        var images = new byte[jobs.Count][];
        Parallel.For(0, jobs.Count, parallel, i => images[i] = jobs[i].Draw());
        return jobs.Select((j, i) => (j.Id, images[i])).ToDictionary(p => p.Id, p => p.Item2, StringComparer.Ordinal);
    }

    private static byte[] RowsPerDay(Overview overview)
    {
        var plot = NewPlot();
        foreach (var group in overview.RowsPerDay.GroupBy(d => d.Split))
        {
            var bars = group.Select(d => new Bar { Position = d.Day, Value = d.Rows, FillColor = Color.FromHex(ColorOf(group.Key)) }).ToArray();
            plot.Add.Bars(bars).LegendText = group.Key;
        }
        return WideByDay(plot, "Rows per day", "day (f_1)", "rows", Alignment.UpperRight);
    }

    /// <summary>Labels a wide chart with the day on x, its y axis starting at zero, and renders it.</summary>
    private static byte[] WideByDay(Plot plot, string title, string xLabel, string yLabel, Alignment legend)
    {
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(WideWidth, Height, ImageFormat.Png);
    }

    /// <summary>New share per day and entity; the first day (100% by construction) is left out so it does not flatten the rest.</summary>
    private static byte[] ChurnShares(ChurnReport churn)
    {
        var plot = NewPlot();
        for (var i = 0; i < churn.Entities.Count; i++)
        {
            var e = churn.Entities[i];
            var color = Color.FromHex(s_entityColors[i % s_entityColors.Length]);
            var labelled = e.LabelledDaysAfterTheFirst();
            if (labelled.Length > 0)
            {
                var line = plot.Add.ScatterLine(labelled.Select(d => (double)d.Day).ToArray(), labelled.Select(d => 100 * d.NewShare!.Value).ToArray());
                line.LegendText = $"{e.Entity} ({e.Column}): first seen that day";
                line.LineWidth = 2;
                line.MarkerSize = 4;
                line.Color = color;
            }
            var test = e.Days.Where(d => d.Split == SplitLayout.TestName && d.NewShare is not null).ToArray();
            if (test.Length > 0)
            {
                var points = plot.Add.ScatterPoints(test.Select(d => (double)d.Day).ToArray(), test.Select(d => 100 * d.NewShare!.Value).ToArray());
                points.LegendText = $"{e.Entity}: test day";
                points.MarkerSize = 10;
                points.MarkerShape = MarkerShape.FilledDiamond;
                points.Color = color;
            }
        }
        return WideByDay(plot, "Rows on entities first seen that day", "day (f_1); the first day (100%) is not drawn", "% of the day's rows",
            Alignment.UpperLeft);
    }

    private static byte[] Distribution(DistributionResult d)
    {
        var density = d.Density!;
        var plot = NewPlot();
        var x = density.X.ToArray();
        foreach (var curve in density.Curves)
        {
            var line = plot.Add.ScatterLine(x, curve.Y.ToArray());
            line.LegendText = curve.Split;
            line.LineWidth = 2;
            line.Color = Color.FromHex(ColorOf(curve.Split));
            if (density.Kind == "frequency") { line.MarkerSize = 4; }
        }
        var klass = d.Anomaly is null ? d.Class : $"{d.Class}: {d.Anomaly}";
        plot.Title($"{d.Column} ({klass})");
        plot.XLabel(density.Kind == "frequency" ? "rank of the value in train"
            : density.Transform == "log1p" ? $"log1p({d.Column})" : d.Column);
        plot.YLabel(density.Kind == "frequency" ? "share of rows" : "density");
        plot.ShowLegend(Alignment.UpperRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>A plot in the reports' font.</summary>
    internal static Plot NewPlot()
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        return plot;
    }

    private static string ColorOf(string split) => s_splitColors.GetValueOrDefault(split, "#7f7f7f");
}
