using System.CommandLine;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr explain</c>: why each test row got its scores (TreeSHAP per booster, and the served probability's attribution).</summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model bundle folder written by cvr train.", Required = true };
        var outFile = new Option<string>("--out") { Description = "JSON Lines file: one object per row (docs/serving.md#explanations has the format).", Required = true };
        var rows = new Option<string?>("--rows") { Description = "Row ids (f_0) to explain: ids and inclusive ranges separated by commas, e.g. 1041,2000-2099 (default: every test row)." };
        var top = new Option<int>("--top")
        {
            Description = "Features listed per model, by |contribution| (0: every feature); the others' sum is written as rest.",
            DefaultValueFactory = _ => ExplanationJson.DefaultTop,
        };
        var command = new Command("explain", "Explain the scores of the test split's rows: each booster's TreeSHAP contributions (raw-score space) and the served probability split over the features.")
        {
            model, ModelOptions.DataOption, outFile, rows, top, ModelOptions.ThreadsOption, DataOptions.NoCacheOption, DataOptions.CacheDirOption,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            // Flags are checked before the bundle and the data are read (--top by ExplainFile.Write).
            var selection = parse.GetValue(rows) is { } text ? RowSelection.Parse(text) : null;
            ExplainFile.Write(parse.GetValue(model)!, parse.GetValue(ModelOptions.DataOption)!, parse.GetValue(outFile)!, selection, parse.GetValue(top),
                parse.GetValue(ModelOptions.ThreadsOption), DataOptions.Read(parse), logger, new PhaseTimer { MemoryLog = logger }, context.MemberKinds);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }
}
