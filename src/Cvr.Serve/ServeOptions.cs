namespace Cvr.Serve;

/// <summary>How <c>cvr serve</c> runs.</summary>
public sealed record ServeOptions
{
    /// <summary>Loopback only unless told otherwise: the protocol has no authentication.</summary>
    public const string DefaultUrls = "http://127.0.0.1:8080";

    /// <summary>The benchmark's batch size; a request of 1,000 rows is ~1 MB of JSON.</summary>
    public const int DefaultMaxBatch = 1000;

    /// <summary>Model bundle folder, watched for a replacement.</summary>
    public required string ModelDir { get; init; }

    public string Urls { get; init; } = DefaultUrls;

    /// <summary>Most instances in one request.</summary>
    public int MaxBatch { get; init; } = DefaultMaxBatch;

    /// <summary>Requests scored at once, each in its own lane with its own copy of the boosters (see
    /// <see cref="LoadedModel"/>); more wait for a free lane. Default: one per core.</summary>
    public int Scorers { get; init; } = Environment.ProcessorCount;

    /// <summary>Largest request body; by default 2 KB per allowed instance (a full row of 80 fields is ~1.2 KB) and at least 64 KB.</summary>
    public long? MaxBodyBytes { get; init; }

    public long BodyLimit => MaxBodyBytes ?? Math.Max(64 * 1024, 2048L * MaxBatch);

    /// <summary>How often the bundle folder is checked for a replacement (SIGHUP checks at once); 0: only on SIGHUP.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long SIGTERM waits for in-flight requests.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <exception cref="ConfigurationException">A value out of range.</exception>
    public void Validate()
    {
        if (MaxBatch < 1) { throw new ConfigurationException("max_batch", $"{MaxBatch}: expected at least 1"); }
        if (ReloadInterval < TimeSpan.Zero) { throw new ConfigurationException("reload_interval", $"{ReloadInterval.TotalSeconds}: expected 0 (off) or more seconds"); }
        if (Scorers is < 1 or > 256) { throw new ConfigurationException("scorers", $"{Scorers}: expected 1 to 256"); }
        if (MaxBodyBytes is < 1) { throw new ConfigurationException("max_body_bytes", $"{MaxBodyBytes}: expected at least 1"); }
        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                throw new ConfigurationException("urls", $"'{url}': expected http://HOST:PORT (several separated by ';')");
            }
        }
    }
}
