using System.Text;
using System.Text.Json;
using Cvr.Modeling;
using static Cvr.Reporting.Html;

namespace Cvr.Reporting;

/// <summary>The training report as one self-contained page (see <see cref="Html"/>) and its JSON, written into a
/// folder atomically.</summary>
public static class TrainingReportWriter
{
    public const string JsonName = "report.json";
    public const string HtmlName = "report.html";

    public static readonly string[] SectionIds = ["learning-curves", "importance", "feature-selection", "shap", "reliability", "days", "timings"];

    public static void Write(string outDir, TrainingReport report, ParallelOptions parallel, bool overwrite = true)
    {
        var charts = TrainingReportCharts.Render(report, parallel);
        ReportFolder.Write(outDir, overwrite,
            (JsonName, () => JsonSerializer.Serialize(report, Analysis.ReportWriter.JsonOptions)), (HtmlName, () => Render(report, charts)));
    }

    internal static string Render(TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        var h = Html.Begin("cvr training report", "Training report: " + r.Bundle);
        h.Append("<p class=\"note\">Data: ").Append(E(r.Data))
            .Append(Inv($". Trained on days {r.Split.FirstTrainDay}..{r.Split.LastTrainDay} ({r.Split.TrainRows:N0} rows), validated on day {r.Split.ValidationDay} ({r.Split.ValidationRows:N0} rows)"))
            .Append(r.Refit ? ", then refitted on every labelled day" : "")
            .Append(Inv($". ω_ts {r.OmegaTs:F4}, ω_e2e {r.OmegaE2e:F4}; ensemble weights ")).Append(E(string.Join(", ", r.EnsembleWeights.Select(kv => Inv($"{kv.Key} {kv.Value:F2}")))))
            .Append(". Every number is also in report.json.</p>\n");
        Html.Nav(h, SectionIds);
        Html.LeftOut(h, r.LeftOut);
        Curves(h, r, charts);
        Importance(h, r, charts);
        Selection(h, r, charts);
        Shap(h, r, charts);
        Reliability(h, r, charts);
        Days(h, r, charts);
        Timings(h, r);
        return Html.End(h);
    }

    private static void Curves(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "learning-curves", "Learning curves");
        h.Append("<p class=\"note\">Logloss per boosting iteration on the training rows and on the validation day (stage 2, install: their liked rows), "
            + "summed in row order from LightGBM's own scores; the dashed line is the best iteration, the one kept. An ensemble member is drawn per epoch: "
            + "its epoch's mean multi-task training loss, and the install logloss of its better head on the validation day.</p>\n");
        Table(h, ["model", "kind", "best iteration", "iterations run", "stop reason", "validation logloss"], r.Models.Select(m => new[]
        {
            L(m.Name), L(m.Kind), Inv($"{m.BestIteration}"), m.IterationsRun is { } run ? Inv($"{run}") : "–", L(m.StopReason ?? "–"), Num(m.ValidationLogLoss),
        }));
        h.Append("<div class=\"grid\">");
        foreach (var m in r.Models) { Image(h, charts, TrainingReportCharts.CurveId(m.Name), m.Name + " learning curve"); }
        h.Append("</div>\n");
        Close(h);
    }

    private static void Importance(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "importance", "Feature importance");
        h.Append("<p class=\"note\">Total gain and split count of each feature over the trees up to the best iteration (LightGBM's feature importance).</p>\n");
        foreach (var m in r.Models.Where(m => m.Importance.Count > 0))
        {
            h.Append("<h3>").Append(E(m.Name)).Append("</h3>\n<div class=\"grid\">");
            Image(h, charts, TrainingReportCharts.ImportanceId(m.Name), m.Name + " importance");
            Table(h, ["feature", "gain share", "gain", "splits"], m.Importance.Take(TrainingReportCharts.TopFeatures).Select(f => new[]
            {
                L(f.Feature), Pct(f.GainShare), Num(f.Gain, "G6"), Inv($"{f.Splits:N0}"),
            }));
            h.Append("</div>\n");
            var unused = m.Importance.Count(f => f.Splits == 0);
            h.Append(Inv($"<p class=\"note\">{m.Importance.Count} features; {unused} never split on.</p>\n"));
        }
        Close(h);
    }

    private static void Selection(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "feature-selection", "Feature selection");
        if (r.Selection is not { } s)
        {
            h.Append("<p>No selection decision is recorded for this model (see Left out).</p>\n");
            Close(h);
            return;
        }
        var kept = s.Features.Where(f => f.Kept).ToArray();
        h.Append(Inv($"<p>Two probe models (e2e and like) trained on {s.ProbeRows:N0} training rows with every feature; each one's gain is normalised to 1 and the two summed. "))
            .Append(Inv($"The {kept.Length} most important of {s.Features.Count} features carry {s.KeptGainShare:P1} of it (asked: {s.Share:P1}) and were kept.</p>\n"));
        Image(h, charts, TrainingReportCharts.SelectionId, "feature selection");
        h.Append("<div class=\"scroll small\">");
        Table(h, ["rank", "feature", "gain share", "decision"], s.Features.Select((f, i) => new[]
        {
            Inv($"{i + 1}"), L(f.Feature), Num(f.GainShare, "F5"), L(f.Kept ? "kept" : "dropped", f.Kept ? "ok" : "bad"),
        }));
        h.Append("</div>\n");
        Close(h);
    }

    private static void Shap(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "shap", "SHAP summary and dependence");
        h.Append("<p class=\"note\">LightGBM's TreeSHAP (contributions in raw-score, log-odds space: per row they sum with the expected value to the raw score) "
            + "on validation rows evenly spaced over the day. Mean |SHAP| ranks the features by how much they move these rows' scores; the dependence plots "
            + "show the top features' values against their contributions.</p>\n");
        foreach (var m in r.Models.Where(m => m.Shap is not null))
        {
            var s = m.Shap!;
            h.Append("<h3>").Append(E(m.Name)).Append(Inv($"</h3>\n<p>{s.Rows:N0} rows; expected value {s.ExpectedValue:F4}.</p>\n<div class=\"grid\">"));
            Image(h, charts, TrainingReportCharts.ShapId(m.Name), m.Name + " SHAP summary");
            Table(h, ["feature", "mean |SHAP|", "mean SHAP"], s.Features.Take(TrainingReportCharts.TopFeatures).Select(f => new[]
            {
                L(f.Feature), Num(f.MeanAbs, "F5"), Num(f.Mean, "F5"),
            }));
            for (var k = 0; k < s.Dependence.Count; k++)
            {
                Image(h, charts, TrainingReportCharts.DependenceId(m.Name, k), $"{m.Name} dependence on {s.Dependence[k].Feature}");
            }
            h.Append("</div>\n");
        }
        Close(h);
    }

    private static void Reliability(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "reliability", "Reliability before and after ω");
        h.Append("<p class=\"note\">Predictions sorted into equal-count bins; each point is a bin's mean prediction against its observed install rate "
            + "(on the diagonal: calibrated). ECE: the rows-weighted mean distance from the diagonal; calibration ratio: mean prediction over the observed rate.</p>\n");
        foreach (var day in r.Reliability)
        {
            h.Append(Inv($"<h3>Day {day.Day} ({day.Split}, {day.Rows:N0} rows{(day.InSample ? ", in-sample" : "")})</h3>\n<div class=\"grid\">"));
            Image(h, charts, TrainingReportCharts.ReliabilityId(day.Split, false), $"day {day.Day} reliability before ω");
            Image(h, charts, TrainingReportCharts.ReliabilityId(day.Split, true), $"day {day.Day} reliability after ω");
            h.Append("</div>\n");
            Table(h, ["model", "ω applied", "logloss", "calibration ratio", "ECE", "bins"], day.Curves.Select(c => new[]
            {
                L(c.Model), L(c.Calibrated ? "yes" : "no"), Num(c.LogLoss, "F5"), Num(c.CalibrationRatio, "F4"), Num(c.Ece, "F5"), Inv($"{c.Bins.Count}"),
            }));
        }
        Close(h);
    }

    private static void Days(StringBuilder h, TrainingReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "days", "Metrics per day");
        h.Append(Inv($"<p class=\"note\">The served probability (ensemble) and its two calibrated models per day. Training days are in-sample, on up to {TrainingReportBuilder.RowsPerTrainingDay:N0} rows each (evenly spaced); "))
            .Append("new-ad rows: rows whose ad (f_6) no earlier labelled day has (for the test day: no labelled day).</p>\n");
        Image(h, charts, TrainingReportCharts.DaysId, "logloss per day");
        Table(h, ["day", "split", "rows", "evaluated", "of the day's", "install rate", "ensemble logloss", "Model_ts-cal", "Model_e2e-cal", "AUC", "calibration ratio", "true probabilities"],
            r.Days.Select(d => new[]
            {
                Inv($"{d.Day}"), L(d.Split + (d.InSample ? " (in-sample)" : "")), L(d.RowSet), Inv($"{d.EvaluatedRows:N0}"), Inv($"{d.DayRows:N0}"), Pct(d.InstallRate),
                Num(d.LogLoss, "F5"), Num(d.LogLossTs, "F5"), Num(d.LogLossE2e, "F5"), Num(d.Auc, "F4"), Num(d.CalibrationRatio, "F4"), Num(d.TruthLogLoss, "F5"),
            }));
        Close(h);
    }

    private static void Timings(StringBuilder h, TrainingReport r)
    {
        Open(h, "timings", "Phase times and memory");
        if (r.Timings is not { } t)
        {
            h.Append("<p>Not measured by this report: it was rebuilt from the bundle (cvr report); the training run's own report has them.</p>\n");
            Close(h);
            return;
        }
        h.Append(Inv($"<p>Peak resident memory of the process: {t.PeakResidentBytes / 1e9:F2} GB.</p>\n"));
        Table(h, ["phase", "seconds"], t.PhaseSeconds.Select(kv => new[] { L(kv.Key), Inv($"{kv.Value:F2}") }));
        Close(h);
    }
}
