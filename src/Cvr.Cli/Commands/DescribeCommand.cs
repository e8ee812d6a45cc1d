using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr describe</c>: loads a data set folder and prints what it holds.</summary>
internal static class DescribeCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "Data set folder in the challenge layout (train/ and optionally test/).",
            Required = true,
        };
        var command = new Command("describe", "Read a data set (text, .gz or Parquet shards) and print rows per day, label rates, missing values and cardinalities.")
        {
            data, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            Describe(context.Out, parse.GetValue(data)!, DataOptions.Read(parse), logger);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    public static void Describe(TextWriter output, string root, DataSetOptions options, ILogger logger)
    {
        var watch = Stopwatch.StartNew();
        var set = DataSet.Load(root, options, logger);
        var elapsed = watch.Elapsed;
        var bytes = set.Train.SizeInBytes + (set.Test?.SizeInBytes ?? 0);
        logger.LogInformation("loaded {Root} in {Seconds:F2} s ({Mb:F0} MB of columns)", root, elapsed.TotalSeconds, bytes / 1e6);
        Print(output, SplitSummary.Of("train", set.Train));
        if (set.Test is not null)
        {
            Print(output, SplitSummary.Of("test", set.Test));
        }
        if (set.Test is not null && set.Train.TryGetCategorical(Workflow.AdColumn, out var trainAds) && set.Test.TryGetCategorical(Workflow.AdColumn, out var testAds))
        {
            var unseen = Workflow.NewAdRows(testAds, [.. trainAds.Levels]).Length;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test rows on ads ({Workflow.AdColumn}) never seen in train: {unseen / (double)set.Test.RowCount:P1}"));
        }
    }

    private static void Print(TextWriter o, SplitSummary s)
    {
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"== {s.Name}: {s.Rows:N0} rows, days {s.RowsPerDay.Keys.Min()}..{s.RowsPerDay.Keys.Max()}, {s.FrameBytes / 1e6:F0} MB in memory"));
        o.WriteLine("   rows per day: " + string.Join(' ', s.RowsPerDay.Select(kv => string.Create(inv, $"{kv.Key}:{kv.Value}"))));
        if (s.JointLabels is not null)
        {
            o.WriteLine(string.Create(inv, $"   click rate {s.ClickRate:P2}, install rate {s.InstallRate:P2}; (clicked, installed): ")
                + string.Join(", ", s.JointLabels.Select(kv => string.Create(inv, $"{kv.Key} {kv.Value:P2}"))));
        }
        o.WriteLine("   missing: " + (s.MissingRates.Count == 0 ? "none"
            : string.Join(", ", s.MissingRates.Select(kv => string.Create(inv, $"{kv.Key} {kv.Value:P1}")))));
        o.WriteLine("   cardinality: " + string.Join(' ', s.Cardinalities.Select(kv => string.Create(inv, $"{kv.Key}={kv.Value}"))));
    }
}
