using System.CommandLine;
using Cvr.Cli.Commands;

namespace Cvr.Cli;

public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole CLI behind a seam that tests call with their own writers.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var context = new CliContext(stdout, stderr, MemberKinds());
        var root = CreateRoot(context);
        var parse = root.Parse(args);
        var exit = parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        // System.CommandLine reports parse errors with exit code 1; ours is the named usage code.
        return parse.Errors.Count > 0 ? ExitCodes.Usage : exit;
    }

    /// <summary>The ensemble member kinds the CLI ships with, passed down by every command: the deep model (trained
    /// with --mmoe, tuned with --model mmoe, loaded from bundles that have it).</summary>
    internal static Modeling.EnsembleMemberKinds MemberKinds() => new(new Deep.MmoeKind());

    /// <summary>Every command, parsed but not run (tests parse the deploy examples' command lines with it).</summary>
    internal static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("cvr: predicts whether an ad impression leads to an app install (RecSys Challenge 2023, two-stage LightGBM).")
        {
            CliContext.VerboseOption,
            CliContext.QuietOption,
        };
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(GenerateCommand.Create(context));
        root.Subcommands.Add(ModelCommands.Run(context));
        root.Subcommands.Add(ModelCommands.Train(context));
        root.Subcommands.Add(LaunchCommand.Create(context));
        root.Subcommands.Add(ModelCommands.Predict(context));
        root.Subcommands.Add(ModelCommands.Evaluate(context));
        root.Subcommands.Add(ExplainCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(TuneCommand.Create(context));
        root.Subcommands.Add(BacktestCommand.Create(context));
        root.Subcommands.Add(DescribeCommand.Create(context));
        root.Subcommands.Add(AnalyzeCommand.Create(context));
        return root;
    }
}
