using Microsoft.Extensions.Logging;

namespace Cvr.Cli;

/// <summary>Plain log lines on stderr (stdout stays for results), prefixed with the time since start.</summary>
internal sealed class StderrLogger(TextWriter writer, LogLevel minimum, TerminalStatus? status = null) : ILogger
{
    private static readonly System.Diagnostics.Stopwatch s_clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Lock _lock = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        var tag = logLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error or LogLevel.Critical => "error: ",
            _ => "",
        };
        var line = $"[{s_clock.Elapsed.TotalSeconds,7:F1}s] {tag}{formatter(state, exception)}";
        if (status is not null)
        {
            status.WriteLine(line);
            return;
        }
        lock (_lock)
        {
            writer.WriteLine(line);
        }
    }
}
