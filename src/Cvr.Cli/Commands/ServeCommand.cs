using System.CommandLine;
using Cvr.Serve;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr serve</c>: a model bundle as an HTTP service (KServe V1), scoring as <c>cvr predict</c> does.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "Model bundle folder written by cvr train (replacing it, or SIGHUP, reloads it).", Required = true };
        var urls = new Option<string>("--urls")
        {
            Description = "Where to listen, e.g. http://127.0.0.1:8080 (several separated by ';'). Loopback by default: the service has no authentication.",
            DefaultValueFactory = _ => ServeOptions.DefaultUrls,
        };
        var maxBatch = new Option<int>("--max-batch")
        {
            Description = "Most instances in one request.",
            DefaultValueFactory = _ => ServeOptions.DefaultMaxBatch,
        };
        var maxBody = new Option<long?>("--max-body-bytes") { Description = "Largest request body (default: 2 KB per allowed instance, at least 64 KB)." };
        var watch = new Option<double>("--watch-interval")
        {
            Description = "Seconds between checks of the bundle folder for a replacement (0: reload only on SIGHUP).",
            DefaultValueFactory = _ => 1,
        };
        var scorers = new Option<int>("--scorers")
        {
            Description = "Requests scored at once, each with its own copy of the models (default: the number of cores).",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var command = new Command("serve", "Serve a model bundle over HTTP (KServe V1: POST /v1/models/cvr:predict, and :explain as cvr explain), with the same numbers as cvr predict; SIGTERM drains and exits 0.")
        {
            model, urls, maxBatch, maxBody, watch, scorers,
        };
        command.SetAction((parse, ct) => Task.FromResult(context.Run(parse, (logger, token) =>
        {
            var seconds = parse.GetValue(watch);
            if (!double.IsFinite(seconds) || seconds < 0 || seconds > TimeSpan.MaxValue.TotalSeconds)
            {
                throw new ConfigurationException($"--watch-interval {seconds}: expected 0 (off) or a number of seconds");
            }
            var options = new ServeOptions
            {
                ModelDir = parse.GetValue(model)!,
                Urls = parse.GetValue(urls)!,
                MaxBatch = parse.GetValue(maxBatch),
                MaxBodyBytes = parse.GetValue(maxBody),
                Scorers = parse.GetValue(scorers),
                ReloadInterval = TimeSpan.FromSeconds(seconds),
            };
            options.Validate(); // bad options fail before the bundle is read
            ServeHost.Run(options, logger, token, context.MemberKinds);
            return ExitCodes.Success;
        }, ct)));
        return command;
    }
}
