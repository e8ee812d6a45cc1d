using System.CommandLine;
using System.Globalization;
using Cvr.Modeling;
using Cvr.Modeling.Tuning;
using Cvr.Tuning;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr tune</c>: searches LightGBM parameters per model and writes them as a --params file.</summary>
internal static class TuneCommand
{
    public static Command Create(CliContext context)
    {
        var members = context.MemberKinds.Names;
        var model = new Option<string>("--model")
        {
            Description = "Model to tune: e2e, like (stage 1), install (stage 2, on liked rows), all (the three in turn, e2e first)"
                + (members.Count == 0 ? "." : $" or an ensemble member's main hyperparameters: {string.Join(", ", members.Select(m => m == Deep.MmoeKind.KindName ? m + " (the deep model)" : m))}."),
            Required = true,
        };
        model.AcceptOnlyFromAmong([.. SearchSpaces.Models, "all", .. members]);
        var trials = new Option<int>("--trials") { Description = "Trials per model; a resumed study runs only the missing ones.", Required = true };
        var timeout = new Option<double?>("--timeout") { Description = "Seconds after which no new trial starts (the running one finishes)." };
        var outFile = new Option<string>("--out")
        {
            Description = "Parameters file to write (for cvr train --params); each model's study is saved beside it as FILE.MODEL.study.json.",
            Required = true,
        };
        var sampler = new Option<SamplerKind>("--sampler") { Description = "tpe (Optuna's default) or random.", DefaultValueFactory = _ => SamplerKind.Tpe };
        var noPrune = new Option<bool>("--no-prune") { Description = "Run every trial to early stopping (no median pruning)." };
        var pruneStartup = new Option<int>("--prune-startup") { Description = "Complete trials before pruning starts.", DefaultValueFactory = _ => 5 };
        var pruneWarmup = new Option<int?>("--prune-warmup") { Description = "Iterations before a trial can be pruned (default: the early-stopping patience)." };
        var machines = ClusterCommandOptions.Refused("cvr tune");
        var command = new Command("tune", "Search LightGBM parameters (TPE) on the validation day's logloss and write them for cvr train --params.")
        {
            ModelOptions.DataOption, model, trials, timeout, outFile, sampler, noPrune, pruneStartup, pruneWarmup, ModelOptions.JsonOption,
            DataOptions.NoCacheOption, DataOptions.CacheDirOption,
            ModelOptions.PresetOption, ModelOptions.ConfigOption, ModelOptions.ParamsOption, ModelOptions.ValidationDayOption,
            ModelOptions.StageOneOption, ModelOptions.SelectFeaturesOption, ModelOptions.TreeRowsOption, ModelOptions.SeedOption, ModelOptions.ThreadsOption, ModelOptions.MaxRoundsOption, ModelOptions.EarlyStoppingOption, machines,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            if (parse.GetValue(machines) is not null)
            {
                throw new ConfigurationException("cvr tune can't run across machines (--machines): each trial trains in this process; tune on one machine, then train with --params on several");
            }
            var tune = new TuneOptions
            {
                Model = parse.GetValue(model)!,
                Trials = parse.GetValue(trials),
                OutFile = parse.GetValue(outFile)!,
                Timeout = parse.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                Sampler = parse.GetValue(sampler),
                Prune = !parse.GetValue(noPrune),
                PruneStartupTrials = parse.GetValue(pruneStartup),
                PruneWarmupSteps = parse.GetValue(pruneWarmup),
            };
            var report = LightGbmTuner.Run(parse.GetValue(ModelOptions.DataOption)!, tune, ModelOptions.Read(parse),
                DataOptions.Read(parse), logger, token, context.MemberKinds);
            Output(context, parse.GetValue(ModelOptions.JsonOption), report);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    private static void Output(CliContext context, bool json, TuneReport report)
    {
        if (json)
        {
            ResultsPrinter.Json(context.Out, report);
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        foreach (var m in report.Models)
        {
            var best = m.BestValue is { } value
                ? string.Create(inv, $"best validation logloss {value:F6} (trial {m.BestTrial}, iteration {m.BestIteration})")
                : "no complete trial";
            context.Out.WriteLine($"{m.Model}: {best}; {m.Complete} complete, {m.Pruned} pruned, {m.Failed} failed ({m.TrialsRun} run now); study {m.Study}");
            if (m.Parameters is not null)
            {
                context.Out.WriteLine("   " + string.Join(' ', m.Parameters.Select(p => $"{p.Key}={p.Value}")));
            }
        }
        context.Out.WriteLine(report.OutFile is null ? "no parameters file written" : $"parameters: {report.OutFile} (use: cvr train --params {report.OutFile})"
            + (report.TimedOut ? "; stopped by --timeout" : ""));
    }
}
