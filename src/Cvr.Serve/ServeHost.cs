using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cvr.Serve;

/// <summary>
/// <c>cvr serve</c>: a model bundle behind Kestrel, speaking KServe's V1 protocol (see <see cref="PredictProtocol"/>),
/// with hot reload (<see cref="ModelHost"/>) and a graceful stop: on SIGTERM (or Ctrl+C) Kestrel stops accepting,
/// in-flight requests finish (up to <see cref="ServeOptions.ShutdownTimeout"/>), and the process exits 0.
/// </summary>
public static class ServeHost
{
    /// <summary>Serves until SIGTERM, SIGINT or <paramref name="ct"/>; SIGHUP reloads the bundle.</summary>
    /// <param name="kinds">The member kinds that reload the bundle's ensemble members; none when null.</param>
    public static void Run(ServeOptions options, ILogger logger, CancellationToken ct, Modeling.EnsembleMemberKinds? kinds = null)
    {
        if (HangupSignal.RestoreIfIgnored())
        {
            logger.LogInformation("SIGHUP was ignored (started under nohup?): taken back, it reloads the bundle");
        }
        // Registered before the server listens, so a SIGHUP sent once it does is never the default's (terminate).
        RunningServer? running = null;
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true;
            if (running is not { } current) { return; }
            logger.LogInformation("SIGHUP: reloading {Directory}", options.ModelDir);
            _ = current.Models.ReloadAsync();
        });
        using var server = running = Start(options, logger, kinds);
        server.WaitForShutdownAsync(ct).GetAwaiter().GetResult();
        logger.LogInformation("stopped: {Rows:N0} rows scored", server.Metrics.Rows);
    }

    /// <summary>Loads the model and starts listening; dispose to stop.</summary>
    internal static RunningServer Start(ServeOptions options, ILogger logger, Modeling.EnsembleMemberKinds? kinds = null)
    {
        options.Validate();
        var metrics = new ServeMetrics();
        var models = new ModelHost(options.ModelDir, options.ReloadInterval, logger, metrics, options.Scorers, kinds);
        try
        {
            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(new ForwardingLoggerProvider(logger));
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = options.ShutdownTimeout);
            builder.WebHost.UseUrls(options.Urls);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                // The body limit is ours (a 400 naming it), not Kestrel's 413.
                k.Limits.MaxRequestBodySize = null;
            });
            var app = builder.Build();
            Endpoints.Map(app, models, metrics, options, logger);
            app.StartAsync().GetAwaiter().GetResult();
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToArray();
            logger.LogInformation("listening on {Urls} (POST /v1/models/cvr:predict, GET /v1/models/cvr, /healthz, /metrics)", string.Join(", ", addresses));
            return new RunningServer(app, models, metrics, addresses);
        }
        catch
        {
            models.Dispose();
            throw;
        }
    }
}
