using System.CommandLine;
using Cvr.Data;
using Cvr.Data.Synthetic;

namespace Cvr.Cli.Commands;

/// <summary>
/// <c>cvr demo</c>: the README's first command. Generates the embedded default data set and runs the main job on
/// it. Until the modelling pipeline lands, the main job is reading the data and summarising it.
/// </summary>
internal static class DemoCommand
{
    /// <summary>A tenth of the real data: big enough to be realistic, small enough for a few minutes here.</summary>
    public const double DefaultScale = 0.1;

    public static Command Create(CliContext context)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Working folder (data/ is generated inside it; reused when it already holds the same scale and seed).",
            DefaultValueFactory = _ => "demo-out",
        };
        var scale = new Option<double>("--scale")
        {
            Description = "Size of the generated data relative to the real data.",
            DefaultValueFactory = _ => DefaultScale,
        };
        var command = new Command("demo", "Generate the default synthetic data set and run the main job on it (no downloads).")
        {
            outDir, scale, GenerateCommand.SeedOption, DescribeCommand.NoCacheOption, DescribeCommand.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var root = parse.GetValue(outDir)!;
            var data = Path.Combine(root, "data");
            var options = new GeneratorOptions(parse.GetValue(scale), parse.GetValue(GenerateCommand.SeedOption), Overwrite: true);
            options.Validate();
            var summary = GenerateCommand.Generate(data, options, logger, token);
            context.Out.WriteLine(GenerateCommand.Describe(summary));
            DescribeCommand.Describe(context.Out, data, new DataSetOptions
            {
                UseCache = !parse.GetValue(DescribeCommand.NoCacheOption),
                CacheDirectory = parse.GetValue(DescribeCommand.CacheDirOption),
            }, logger);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }
}
