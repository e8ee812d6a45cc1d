using System.CommandLine;
using Cvr.Data.Synthetic;
using Cvr.Modeling;

namespace Cvr.Cli.Commands;

/// <summary>
/// <c>cvr demo</c>: the README's first command. Generates the embedded default data set (no downloads) and runs
/// the main job on it: features, Model_e2e and Model_ts, calibration, ensemble, submission and evaluation against
/// the generator's true probabilities.
/// </summary>
internal static class DemoCommand
{
    /// <summary>5% of the real data (174k train rows): realistic, and a few minutes end to end on 2 cores.</summary>
    public const double DefaultScale = 0.05;

    public static Command Create(CliContext context)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Working folder: data/ (generated), run/ (model, submission.csv, metrics.json).",
            DefaultValueFactory = _ => "demo-out",
        };
        var scale = new Option<double>("--scale")
        {
            Description = "Size of the generated data relative to the real data (1.0 = 3.5M train rows).",
            DefaultValueFactory = _ => DefaultScale,
        };
        var command = new Command("demo", "Generate the default synthetic data set and run the main job on it (train, predict, evaluate; no downloads).")
        {
            outDir, scale, GenerateCommand.SeedOption, ModelOptions.PresetOption, ModelOptions.MmoeOption, ModelOptions.JsonOption,
            DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var root = parse.GetValue(outDir)!;
            var data = Path.Combine(root, "data");
            var options = new GeneratorOptions(parse.GetValue(scale), parse.GetValue(GenerateCommand.SeedOption), Overwrite: true);
            options.Validate();
            var summary = GenerateCommand.Generate(data, options, logger, token);
            Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(logger, "{Summary}", GenerateCommand.Describe(summary));
            var training = new TrainingOptions
            {
                Preset = parse.GetValue(ModelOptions.PresetOption),
                Members = parse.GetValue(ModelOptions.MmoeOption) ? [Deep.MmoeKind.KindName] : [],
            };
            var report = Workflow.Run(data, Path.Combine(root, "run"), training, DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, token, context.Status, context.MemberKinds);
            ModelCommands.Output(context, parse, report);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }
}
