using System.CommandLine;
using System.Globalization;
using Cvr.Data.Synthetic;
using Microsoft.Extensions.Logging;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr generate</c>: writes synthetic data in the challenge layout, with the true probabilities.</summary>
internal static class GenerateCommand
{
    public static readonly Option<double> ScaleOption = new("--scale")
    {
        Description = "Size relative to the real data: 1.0 = 3,485,852 train rows (days 45..66) and 160,973 test rows (day 67).",
        DefaultValueFactory = _ => 1.0,
    };

    public static readonly Option<ulong> SeedOption = new("--seed")
    {
        Description = "Seed of every random choice: the same seed and scale give byte-identical files.",
        DefaultValueFactory = _ => 42UL,
    };

    public static readonly Option<bool> OverwriteOption = new("--overwrite")
    {
        Description = "Replace the output folder if it exists and is not empty.",
    };

    public static Command Create(CliContext context)
    {
        var outDir = new Option<string>("--out")
        {
            Description = "Output folder: gets train/, test/ and truth/ (written atomically).",
            Required = true,
        };
        var shards = new Option<int?>("--train-shards")
        {
            Description = "Number of train shard files (default: 30 at scale 1, fewer below).",
        };
        var command = new Command("generate", "Generate synthetic impression logs in the RecSys 2023 layout, with the true probabilities in truth/.")
        {
            outDir, ScaleOption, SeedOption, OverwriteOption, shards,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var options = new GeneratorOptions(parse.GetValue(ScaleOption), parse.GetValue(SeedOption), parse.GetValue(OverwriteOption), parse.GetValue(shards));
            var summary = Generate(parse.GetValue(outDir)!, options, logger, token);
            context.Out.WriteLine(Describe(summary));
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    public static GenerationSummary Generate(string outDir, GeneratorOptions options, ILogger logger, CancellationToken ct)
    {
        options.Validate();
        logger.LogInformation("generating scale {Scale} with seed {Seed} into {Out}", options.Scale, options.Seed, outDir);
        var lastReport = 0L;
        var progress = new Progress<GenerationProgress>(p =>
        {
            // One line per tenth of the rows keeps redirected logs short.
            var tenth = p.TotalRows == 0 ? 10 : p.RowsWritten * 10 / p.TotalRows;
            if (tenth > Interlocked.Read(ref lastReport))
            {
                Interlocked.Exchange(ref lastReport, tenth);
                logger.LogInformation("generated {Rows:N0} of {Total:N0} rows ({Files}/{FilesTotal} files)", p.RowsWritten, p.TotalRows, p.FilesDone, p.FilesTotal);
            }
        });
        return SyntheticData.Generate(outDir, options, progress, ct);
    }

    public static string Describe(GenerationSummary s) => string.Create(CultureInfo.InvariantCulture,
        $"wrote {s.TrainRows:N0} train rows in {s.TrainFiles.Count} shards and {s.TestRows:N0} test rows to {s.OutputDirectory} ({s.BytesWritten / 1e6:F0} MB, {s.Elapsed.TotalSeconds:F1} s); true probabilities in {s.TruthDirectory}");
}
