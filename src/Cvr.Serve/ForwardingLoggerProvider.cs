using Microsoft.Extensions.Logging;

namespace Cvr.Serve;

/// <summary>ASP.NET Core's own warnings and errors go to the command's logger.</summary>
internal sealed class ForwardingLoggerProvider(ILogger target) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => target;

    public void Dispose() { }
}
