using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>Prefixes log lines with the model's name, so interleaved training logs stay readable.</summary>
internal sealed class PrefixLogger(ILogger inner, string prefix) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => inner.Log(logLevel, eventId, state, exception, (s, e) => $"{prefix} {formatter(s, e)}");
}
