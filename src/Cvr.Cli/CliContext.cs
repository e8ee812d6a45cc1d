using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Cvr.Cli;

/// <summary>
/// What every command shares: the global options, a logger on stderr, and one place that turns exceptions into
/// a single stderr line and a named exit code (the stack trace only with --verbose); and the ensemble member kinds
/// the commands pass to the core.
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr, Modeling.EnsembleMemberKinds memberKinds)
{
    public static readonly Option<bool> VerboseOption = new("--verbose", "-v")
    {
        Description = "Print debug detail and, on failure, the stack trace.",
        Recursive = true,
    };

    public static readonly Option<bool> QuietOption = new("--quiet", "-q")
    {
        Description = "Print only results and errors.",
        Recursive = true,
    };

    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>The member kinds every command trains, tunes and loads with (<see cref="Program.MemberKinds"/>).</summary>
    public Modeling.EnsembleMemberKinds MemberKinds { get; } = memberKinds;

    /// <summary>The live status line, when this run shows one (see <see cref="TerminalStatus.Wanted"/>).</summary>
    public TerminalStatus? Status { get; private set; }

    public ILogger CreateLogger(ParseResult parse)
    {
        var level = parse.GetValue(VerboseOption) ? LogLevel.Debug
            : parse.GetValue(QuietOption) ? LogLevel.Warning
            : LogLevel.Information;
        var json = parse.GetResult(Commands.ModelOptions.JsonOption) is not null && parse.GetValue(Commands.ModelOptions.JsonOption);
        Status = ReferenceEquals(Error, Console.Error) && TerminalStatus.Wanted(parse.GetValue(QuietOption), json) ? new TerminalStatus(Error) : null;
        return new StderrLogger(Error, level, Status);
    }

    /// <summary>Runs a command body, mapping failures to exit codes (see <see cref="ExitCodes"/>).</summary>
    public int Run(ParseResult parse, Func<ILogger, CancellationToken, int> body, CancellationToken ct)
    {
        var verbose = parse.GetValue(VerboseOption);
        try
        {
            var logger = CreateLogger(parse);
            var exit = body(logger, ct);
            Status?.Finish();
            return exit;
        }
        catch (Exception e)
        {
            return Fail(e, verbose);
        }
    }

    /// <summary>
    /// The one mapping from exception type to exit code and stderr line. User errors (bad options, configuration,
    /// data, files, bundles) have their own types and print their message as it is; anything else is a bug, and
    /// a native LightGBM failure counts as one too (it shows LightGBM's own message).
    /// </summary>
    private int Fail(Exception e, bool verbose)
    {
        Status?.Finish();
        var (code, line) = e switch
        {
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled"),
            CvrException fault => (ExitCodes.Of(fault.Category), $"error: {CommandLineFlags.Worded(fault)}"),
            IOException or UnauthorizedAccessException => (ExitCodes.IoError, $"error: {e.Message}"),
            Cvr.LightGbm.LightGbmException => (ExitCodes.InternalError, $"error: {e.Message}" + VerboseHint(verbose)),
            _ => (ExitCodes.InternalError, $"internal error: {e.GetType().Name}: {e.Message}" + VerboseHint(verbose)),
        };
        Error.WriteLine(line);
        if (verbose && code != ExitCodes.Cancelled)
        {
            Error.WriteLine(e);
        }
        return code;
    }

    private static string VerboseHint(bool verbose) => verbose ? "" : " (run with --verbose for the stack trace)";
}
