using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Cvr.Data;
using Cvr.Modeling;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr backtest</c>: the rolling-origin backtest of one or more training configurations.</summary>
internal static class BacktestCommand
{
    /// <summary>The command line's own training options: the reference the variants are compared with.</summary>
    public const string BaseVariant = "base";

    private const int DefaultDays = 5;

    public static Command Create(CliContext context)
    {
        var days = new Option<string?>("--days")
        {
            Description = $"Days to score: a range (62-66) or a list (62,64,66); each must have two labelled days before it. Default: the last {DefaultDays} labelled days that can be.",
        };
        var variants = new Option<string[]>("--variant")
        {
            Description = "Another configuration, as NAME=\"TRAINING OPTIONS\" (e.g. refit=--refit, or paper=\"--preset paper\"), compared with the command line's own (\"base\"); repeatable. Its options start from the defaults, not from the command line's.",
            AllowMultipleArgumentsPerToken = false,
        };
        var outFile = new Option<string?>("--out") { Description = "Write every fold's metrics and the paired differences as JSON (replaced atomically)." };
        var command = new Command("backtest",
            "Rolling-origin backtest: for each scored day, train on the labelled days before it (the last validates) and score it; report each day and the paired differences between configurations. The test split is not read.")
        {
            ModelOptions.DataOption, days, variants, outFile, ModelOptions.JsonOption, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        foreach (var option in ModelOptions.TrainingOptionsList) { command.Options.Add(option); }
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var list = new List<BacktestVariant> { new(BaseVariant, ModelOptions.Read(parse)) };
            list.AddRange((parse.GetValue(variants) ?? []).Select(ParseVariant));
            var dataDir = parse.GetValue(ModelOptions.DataOption)!;
            var labelled = DataSet.Load(dataDir, DataOptions.Read(parse), logger).Train;
            var scored = ParseDays(parse.GetValue(days), labelled);
            var report = Backtest.Run(labelled, scored, list, Truth(dataDir, labelled), logger, token, context.MemberKinds);
            if (parse.GetValue(outFile) is { } path)
            {
                IO.AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, ModelBundle.Json));
            }
            Output(context, parse.GetValue(ModelOptions.JsonOption), report);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }

    /// <summary>NAME=OPTIONS, the options parsed as train's training options are.</summary>
    /// <exception cref="ConfigurationException">No name, the base's name, or options that don't parse.</exception>
    internal static BacktestVariant ParseVariant(string text)
    {
        var equals = text.IndexOf('=');
        var name = equals < 0 ? "" : text[..equals].Trim();
        if (name.Length == 0 || name.Any(char.IsWhiteSpace))
        {
            throw new ConfigurationException($"--variant \"{text}\": expected NAME=\"TRAINING OPTIONS\" with a name without spaces (e.g. refit=--refit)");
        }
        if (name == BaseVariant)
        {
            throw new ConfigurationException($"--variant {name}: \"{BaseVariant}\" is the command line's own configuration; choose another name");
        }
        var options = new Command(name);
        foreach (var option in ModelOptions.TrainingOptionsList) { options.Options.Add(option); }
        var parse = options.Parse(CommandLineParser.SplitCommandLine(text[(equals + 1)..]).ToArray());
        if (parse.Errors.Count > 0)
        {
            throw new ConfigurationException($"--variant {name}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        }
        return new BacktestVariant(name, ModelOptions.Read(parse));
    }

    /// <summary>"62-66", "62,64,66", or null: the last <see cref="DefaultDays"/> scorable days.</summary>
    internal static int[] ParseDays(string? text, Frame labelled)
    {
        if (text is null)
        {
            var scorable = Backtest.ScorableDays(labelled);
            return scorable.Length == 0
                ? throw new ConfigurationException("the data has fewer than three labelled days: nothing to backtest")
                : scorable[Math.Max(0, scorable.Length - DefaultDays)..];
        }
        static int Day(string part, string text) => int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ConfigurationException($"--days \"{text}\": \"{part.Trim()}\" is not a day number (expected e.g. 62-66 or 62,64,66)");
        var dash = text.IndexOf('-');
        if (dash >= 0)
        {
            var (first, last) = (Day(text[..dash], text), Day(text[(dash + 1)..], text));
            return first <= last
                ? Enumerable.Range(first, last - first + 1).ToArray()
                : throw new ConfigurationException($"--days \"{text}\": the range runs backwards (expected FIRST-LAST with FIRST ≤ LAST)");
        }
        var days = text.Split(',').Select(p => Day(p, text)).ToArray();
        return days.Distinct().Count() == days.Length
            ? days
            : throw new ConfigurationException($"--days \"{text}\": a day is listed twice");
    }

    /// <summary>Generated data's true install probabilities of the labelled rows (truth/train.csv), when present.</summary>
    /// <exception cref="DataFormatException">The file lacks a labelled row.</exception>
    private static Dictionary<long, double>? Truth(string dataDir, Frame labelled)
    {
        var file = Path.Combine(dataDir, "truth", "train.csv");
        if (!File.Exists(file)) { return null; }
        var table = NumericTable.Read(file, [Submission.RowIdColumn, SubmissionEvaluator.TruthProbability], []);
        SubmissionEvaluator.CheckProbabilities(file, SubmissionEvaluator.TruthProbability, table.Column(SubmissionEvaluator.TruthProbability));
        var ids = table.Column(Submission.RowIdColumn);
        var p = table.Column(SubmissionEvaluator.TruthProbability);
        var byId = new Dictionary<long, double>(table.Rows);
        for (var i = 0; i < table.Rows; i++) { byId[(long)ids[i]] = p[i]; }
        foreach (var id in labelled.RowIds)
        {
            if (!byId.ContainsKey(id)) { throw DataError.File(file, $"no truth for training RowId {id} (expected one line per labelled row)"); }
        }
        return byId;
    }

    private static void Output(CliContext context, bool json, BacktestReport report)
    {
        if (json)
        {
            ResultsPrinter.Json(context.Out, report);
            return;
        }
        var o = context.Out;
        var inv = CultureInfo.InvariantCulture;
        var names = report.Variants.Keys.ToList();
        o.WriteLine("ensemble logloss by scored day (new-ad rows in parentheses):");
        o.WriteLine(string.Create(inv, $"{"day",5} {"rows",9}  ") + string.Join("  ", names.Select(n => $"{n,-24}")));
        for (var i = 0; i < report.Days.Count; i++)
        {
            var first = report.Variants[names[0]][i];
            o.WriteLine(string.Create(inv, $"{first.Day,5} {first.Metrics.Rows,9:N0}  ") + string.Join("  ", names.Select(n =>
            {
                var fold = report.Variants[n][i];
                return string.Create(inv, $"{fold.LogLoss:F5}{(fold.NewAdLogLoss is { } nl ? $" ({nl:F5})" : ""),-10}").PadRight(24);
            })));
        }
        foreach (var d in report.Differences)
        {
            var se = d.StandardError is { } s ? string.Create(inv, $" ± {s:F5} (standard error over {d.PerDay.Count} days)") : " (one day: no standard error)";
            o.WriteLine(string.Create(inv, $"{d.Variant} − {d.Reference}, {d.Rows} rows: mean {d.Mean:+0.00000;-0.00000}{se}"));
        }
    }
}
