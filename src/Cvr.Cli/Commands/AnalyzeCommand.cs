using System.CommandLine;
using System.Globalization;
using Cvr.Analysis;
using Cvr.Data;
using Microsoft.Extensions.Logging;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr analyze</c>: the data report of the paper's section 2, as report.html and report.json.</summary>
internal static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "Data set folder in the challenge layout (train/ and optionally test/; labels optional).",
            Required = true,
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Report folder: gets report.html (self-contained) and report.json (written atomically).",
            Required = true,
        };
        var overwrite = new Option<bool>("--overwrite")
        {
            Description = "Replace the report folder if it exists and is not empty.",
        };
        var command = new Command("analyze", "Analyse a data set as the paper's section 2 does: splits, columns and domains, base values, missing blocks, distribution shift, duplicates and label conflicts.")
        {
            data, outDir, overwrite, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var options = DataOptions.Read(parse) with { RequireTrainLabels = false };
            var report = Analyze(parse.GetValue(data)!, parse.GetValue(outDir)!, parse.GetValue(overwrite), options, logger, token);
            PrintSummary(context.Out, report, parse.GetValue(outDir)!);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    public static AnalysisReport Analyze(string root, string outDir, bool overwrite, DataSetOptions options, ILogger logger, CancellationToken ct)
    {
        var set = DataSet.Load(root, options, logger);
        ct.ThrowIfCancellationRequested();
        var result = DataAnalyzer.Analyze(set, new AnalysisOptions(), logger);
        ct.ThrowIfCancellationRequested();
        ReportWriter.Write(outDir, result, overwrite);
        return result.Report;
    }

    private static void PrintSummary(TextWriter o, AnalysisReport r, string outDir)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var s in r.Overview.Splits)
        {
            o.WriteLine(string.Create(inv, $"{s.Split,-10} days {s.FirstDay}..{s.LastDay}  {s.Rows,10:N0} rows")
                + (s.InstallRate is { } ir ? string.Create(inv, $"  install {ir:P2}  click {s.ClickRate:P2}") : ""));
        }
        var bases = r.BaseValues.Where(b => b.Base is not null).GroupBy(b => b.Base!.Value.ToString("G7", inv))
            .Select(g => $"{g.Key} ({string.Join(",", g.Select(b => b.Column))})");
        o.WriteLine("base values: " + string.Join("; ", bases));
        o.WriteLine("missing together: " + (r.Missing.Blocks.Count == 0 ? "none" : string.Join("; ", r.Missing.Blocks.Select(b => string.Join(",", b.Columns)))));
        var classes = r.Distributions.GroupBy(d => d.Class).Select(g => $"{g.Count()} {g.Key}");
        o.WriteLine("distributions: " + string.Join(", ", classes) + "; drop: "
            + string.Join(",", r.Distributions.Where(d => d.Recommendation == Classification.Drop).Select(d => d.Column)));
        o.WriteLine("duplicates: " + string.Join(", ", r.Duplicates.Splits.Select(s =>
            string.Create(inv, $"{s.Split} {s.Duplicates:N0}") + (s.Conflicts is { } c ? string.Create(inv, $" ({c:N0} conflicts)") : ""))));
        foreach (var e in r.Churn.Entities)
        {
            var later = e.LabelledDaysAfterTheFirst().Select(d => d.NewShare!.Value).ToArray();
            o.WriteLine($"entity churn, {e.Entity} ({e.Column}): "
                + (later.Length > 0 ? string.Create(inv, $"{later.Average():P1} of a labelled day's rows on new {e.Entity}") : "one labelled day")
                + (e.TestUnseenShare is { } u ? string.Create(inv, $"; {u:P1} of test rows on {e.Entity} unseen in training") : ""));
        }
        foreach (var note in r.LeftOut) { o.WriteLine("left out: " + note); }
        o.WriteLine($"report: {Path.Combine(outDir, ReportWriter.HtmlName)} and {ReportWriter.JsonName}");
    }
}
