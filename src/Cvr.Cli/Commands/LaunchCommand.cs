using System.CommandLine;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr launch --ranks N [--shared DIR] [--timeout S] -- train …</c>: a data-parallel job on this machine.</summary>
internal static class LaunchCommand
{
    private static readonly string[] s_owned = ["--machines", "--rank", "--shared", "--network-timeout"];

    public static Command Create(CliContext context)
    {
        var ranks = new Option<int>("--ranks") { Description = "Processes to start (ranks 0..N-1); each trains on its block of the training rows.", Required = true };
        var shared = new Option<string?>("--shared") { Description = "Folder the ranks exchange their row counts and validation-day rows, merge their feature fits and compare their models in before rank 0 writes the bundle (default: a temporary folder, removed afterwards)." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop every rank after this many seconds of wall-clock time (exit 4)." };
        var command = new Argument<string[]>("command")
        {
            Description = "The cvr command each rank runs, after --: train and its options (--machines, --rank and --shared are added).",
            Arity = ArgumentArity.OneOrMore,
        };
        var launch = new Command("launch", "Run a data-parallel cvr train as N processes on this machine (loopback network), e.g. cvr launch --ranks 2 -- train --data DIR --out MODEL.")
        {
            ranks, shared, timeout, command,
        };
        launch.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var n = parse.GetValue(ranks);
            if (n < 1)
            {
                throw new ConfigurationException($"--ranks must be at least 1, not {n}");
            }
            var args = parse.GetValue(command)!;
            if (args.Length == 0 || args[0] != "train")
            {
                throw new ConfigurationException("cvr launch runs ranks of cvr train: cvr launch --ranks N -- train --data DIR --out MODEL …");
            }
            if (args.FirstOrDefault(a => s_owned.Contains(a.Split('=')[0])) is { } owned)
            {
                throw new ConfigurationException($"cvr launch sets {owned} itself: leave it out of the train command");
            }
            if (parse.GetValue(timeout) is <= 0)
            {
                throw new ConfigurationException("--timeout must be a positive number of seconds");
            }
            var given = parse.GetValue(shared);
            var folder = given ?? Directory.CreateTempSubdirectory("cvr-launch-").FullName;
            try
            {
                return new Launcher(context.Out, context.Error).Run(n, args, folder,
                    parse.GetValue(timeout) is { } s ? TimeSpan.FromSeconds(s) : null, token);
            }
            finally
            {
                if (given is null)
                {
                    try { Directory.Delete(folder, recursive: true); }
                    catch (IOException) { /* best effort: a temporary folder */ }
                }
            }
        }, ct)));
        return launch;
    }
}
