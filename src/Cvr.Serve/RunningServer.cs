using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cvr.Serve;

/// <summary>A started server: its addresses, model host and metrics.</summary>
internal sealed class RunningServer(WebApplication app, ModelHost models, ServeMetrics metrics, IReadOnlyList<string> addresses) : IDisposable
{
    public ModelHost Models { get; } = models;

    public ServeMetrics Metrics { get; } = metrics;

    /// <summary>Where it listens (the real port when the URL asked for port 0).</summary>
    public IReadOnlyList<string> Addresses { get; } = addresses;

    /// <summary>Until the host stops (SIGTERM, SIGINT, or <paramref name="ct"/>), with in-flight requests drained.</summary>
    public async Task WaitForShutdownAsync(CancellationToken ct)
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        using (ct.Register(lifetime.StopApplication))
        {
            await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Stops gracefully: no new connections, in-flight requests finish.</summary>
    public Task StopAsync() => app.StopAsync();

    public void Dispose()
    {
        app.StopAsync().GetAwaiter().GetResult();
        ((IDisposable)app).Dispose();
        Models.Dispose();
    }
}
