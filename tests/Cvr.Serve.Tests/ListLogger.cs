using Microsoft.Extensions.Logging;

namespace Cvr.Serve.Tests;

/// <summary>Keeps log lines for assertions.</summary>
internal sealed class ListLogger : ILogger
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines { get { lock (_lines) { return _lines.ToArray(); } } }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lines) { _lines.Add($"{logLevel}: {formatter(state, exception)}"); }
    }
}
