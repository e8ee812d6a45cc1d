using System.CommandLine;
using Cvr.Modeling;
using Cvr.Reporting;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr report</c>: rebuilds a bundle's training report, on the training data or any data in its layout.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model bundle folder written by cvr train.", Required = true };
        var data = new Option<string>("--data")
        {
            Description = "Data set folder in the challenge layout: SHAP, reliability and per-day metrics are measured on its labelled days, and on its test day "
                + "when its labels are known (in test/ or truth/test.csv). Without it the report shows what the bundle alone holds.",
        };
        var outDir = new Option<string>("--out")
        {
            Description = "Report folder: gets report.html (self-contained) and report.json (written atomically).",
            Required = true,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the report folder if it exists and is not empty." };
        var command = new Command("report", "Rebuild a model bundle's training report: learning curves, importance, feature selection, SHAP, reliability before and after ω, metrics per day.")
        {
            model, data, outDir, overwrite, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var dir = parse.GetValue(outDir)!;
            var report = Workflow.RebuildReport(parse.GetValue(model)!, parse.GetValue(data), dir, parse.GetValue(overwrite), DataOptions.Read(parse), logger, context.MemberKinds);
            context.Out.WriteLine($"report: {Path.Combine(dir, TrainingReportWriter.HtmlName)} and {TrainingReportWriter.JsonName}"
                + $" ({report.Models.Count} models, {report.Days.Count} day rows{(report.Days.Any(d => d.Split == TrainingReportBuilder.TestSplit) ? ", test day included" : "")})");
            return ExitCodes.Success;
        }, ct)));
        return command;
    }
}
