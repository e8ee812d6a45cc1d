using System.CommandLine;
using System.Globalization;
using Cvr.Modeling;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr train</c>, <c>cvr predict</c>, <c>cvr evaluate</c> and <c>cvr run</c>: the main commands.</summary>
internal static class ModelCommands
{
    public static Command Train(CliContext context)
    {
        var outDir = new Option<string>("--out") { Description = "Model bundle folder to write (replaced atomically).", Required = true };
        var reportDir = new Option<string>("--report")
        {
            Description = "Training report folder (report.html, report.json; replaced atomically). Default: the bundle's folder name + \"-report\", beside it.",
        };
        var noReport = NoReportOption();
        var command = new Command("train", "Fit the features and train Model_e2e and Model_ts (with calibration and the ensemble) into a model bundle, with a training report beside it.")
        {
            ModelOptions.DataOption, outDir, reportDir, noReport, ModelOptions.JsonOption, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
            ModelOptions.BaselineOption, ModelOptions.NoBaselineOption,
        };
        foreach (var option in ModelOptions.TrainingOptionsList) { command.Options.Add(option); }
        foreach (var option in ClusterCommandOptions.All) { command.Options.Add(option); }
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var cluster = ClusterCommandOptions.Read(parse);
            var bundle = parse.GetValue(outDir)!;
            if (parse.GetValue(noReport) && parse.GetValue(reportDir) is not null)
            {
                throw new ConfigurationException("--report and --no-report contradict each other: give one");
            }
            var reportFolder = parse.GetValue(noReport) ? null : parse.GetValue(reportDir) ?? DefaultReportFolder(bundle);
            var report = cluster is null
                ? Workflow.Train(parse.GetValue(ModelOptions.DataOption)!, bundle, ModelOptions.Read(parse),
                    DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, token, context.Status, reportFolder, context.MemberKinds)
                : ClusterTraining.Train(parse.GetValue(ModelOptions.DataOption)!, bundle, ModelOptions.Read(parse), cluster,
                    DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, token, context.Status, reportFolder);
            if (cluster is null || cluster.Rank == 0) { Output(context, parse, report); } // the job's results: rank 0's
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    /// <summary>The training report's folder when <c>--report</c> is not given: beside the bundle, named after it.</summary>
    internal static string DefaultReportFolder(string bundle)
        => Path.TrimEndingDirectorySeparator(Path.GetFullPath(bundle)) + "-report";

    public static Command Predict(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model bundle folder written by cvr train.", Required = true };
        var outFile = new Option<string>("--out") { Description = "Submission file: TAB-separated RowId, is_clicked, is_installed.", Required = true };
        var command = new Command("predict", "Score the test split with a model bundle and write the challenge's submission (is_clicked is 0 unless trained with --click-model).")
        {
            model, ModelOptions.DataOption, outFile, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            Workflow.Predict(parse.GetValue(model)!, parse.GetValue(ModelOptions.DataOption)!, parse.GetValue(outFile)!,
                DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, context.MemberKinds);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    public static Command Evaluate(CliContext context)
    {
        var submission = new Option<string>("--submission") { Description = "Submission file (RowId, is_clicked, is_installed).", Required = true };
        var truth = new Option<string>("--truth") { Description = "Truth file with RowId and is_installed (and p_installed), or a generated data folder (uses truth/test.csv).", Required = true };
        var command = new Command("evaluate", "Score a submission: logloss, NCE, AUC, calibration ratio, and on generated data the share of learnable signal captured.")
        {
            submission, truth, ModelOptions.JsonOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var metrics = SubmissionEvaluator.Evaluate(parse.GetValue(submission)!, parse.GetValue(truth)!);
            if (parse.GetValue(ModelOptions.JsonOption))
            {
                ResultsPrinter.Json(context.Out, metrics);
                return ExitCodes.Success;
            }
            var rows = new List<MetricRow> { metrics.Installed };
            if (metrics.Truth is not null) { rows.Add(metrics.Truth); }
            if (metrics.Clicked is not null) { rows.Add(metrics.Clicked); }
            ResultsPrinter.Print(context.Out, "submission", new DayMetrics(0, metrics.Rows, metrics.InstallRate, metrics.Truth?.LogLoss, rows));
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    /// <summary>--no-report, for the commands that write a training report.</summary>
    private static Option<bool> NoReportOption() => new("--no-report") { Description = "Write no training report (a report a run wrote there before is removed)." };

    public static Command Run(CliContext context)
    {
        var outDir = new Option<string>("--out") { Description = "Output folder: model/, submission.csv, metrics.json and report/ (the training report).", Required = true };
        var noReport = NoReportOption();
        var command = new Command("run", "Train, predict and evaluate in one go: the main job.")
        {
            ModelOptions.DataOption, outDir, noReport, ModelOptions.JsonOption, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
            ModelOptions.NoBaselineOption, ModelOptions.BaselineOption,
        };
        foreach (var option in ModelOptions.TrainingOptionsList) { command.Options.Add(option); }
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var report = Workflow.Run(parse.GetValue(ModelOptions.DataOption)!, parse.GetValue(outDir)!, ModelOptions.Read(parse, baselineByDefault: true),
                DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, token, context.Status, context.MemberKinds, writeReport: !parse.GetValue(noReport));
            Output(context, parse, report);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    public static void Output(CliContext context, ParseResult parse, RunReport report)
    {
        context.Status?.Finish();
        if (parse.GetValue(ModelOptions.JsonOption))
        {
            ResultsPrinter.Json(context.Out, report);
            return;
        }
        ResultsPrinter.Print(context.Out, "validation", report.Validation);
        ResultsPrinter.Print(context.Out, "test", report.Test);
        ResultsPrinter.Print(context.Out, $"test, new ads ({Workflow.AdColumn} on no labelled day)", report.TestNewAds);
        var inv = CultureInfo.InvariantCulture;
        context.Out.WriteLine(string.Create(inv, $"ω_ts {report.OmegaTs:F4}, ω_e2e {report.OmegaE2e:F4}, ensemble weight of Model_ts {report.EnsembleWeight:F2}; best iterations ")
            + string.Join(", ", report.BestIterations.Select(kv => $"{kv.Key} {kv.Value}")));
        if (report.MemberOmegas.Count > 0)
        {
            context.Out.WriteLine("ensemble weights (fitted on the validation day): " + string.Join(", ", report.EnsembleWeights.Select(kv => string.Create(inv, $"{kv.Key} {kv.Value:F2}")))
                + "; " + string.Join(", ", report.MemberOmegas.Select(kv => string.Create(inv, $"ω_{kv.Key} {kv.Value:F4}"))));
        }
        context.Out.WriteLine("time (s): " + string.Join(", ", report.PhaseSeconds.Select(kv => string.Create(inv, $"{kv.Key} {kv.Value:F1}"))));
        context.Out.WriteLine($"model: {report.Model}" + (report.Submission is null ? "" : $"; submission: {report.Submission}")
            + (report.Report is null ? "" : $"; report: {report.Report}"));
    }
}
