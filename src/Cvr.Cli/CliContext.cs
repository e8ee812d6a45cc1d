using System.CommandLine;
using Cvr.Data;
using Microsoft.Extensions.Logging;

namespace Cvr.Cli;

/// <summary>
/// What every command shares: the global options, a logger on stderr, and one place that turns exceptions into
/// a single stderr line and a named exit code (the stack trace only with --verbose).
/// </summary>
internal sealed class CliContext(TextWriter stdout, TextWriter stderr)
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

    /// <summary>Runs a command body, mapping failures to exit codes.</summary>
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
        catch (Exception e) when (e is DataFormatException or Cvr.Tuning.StudyFileException)
        {
            Error.WriteLine($"error: {e.Message}");
            if (verbose) { Error.WriteLine(e.StackTrace); }
            return ExitCodes.DataError;
        }
        catch (Cvr.Modeling.ModelBundleException e)
        {
            Error.WriteLine($"error: {e.Message}");
            return ExitCodes.ModelError;
        }
        catch (Cvr.LightGbm.LightGbmException e)
        {
            Error.WriteLine($"error: {e.Message}");
            if (verbose) { Error.WriteLine(e); }
            return ExitCodes.Usage;
        }
        catch (ArgumentException e)
        {
            Error.WriteLine($"error: {e.Message}");
            if (verbose) { Error.WriteLine(e); }
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            Error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Error.WriteLine($"error: {e.Message}");
            if (verbose) { Error.WriteLine(e); }
            return ExitCodes.IoError;
        }
        catch (Exception e)
        {
            Error.WriteLine($"internal error: {e.GetType().Name}: {e.Message} (run with --verbose for the stack trace)");
            if (verbose) { Error.WriteLine(e); }
            return ExitCodes.InternalError;
        }
    }
}
