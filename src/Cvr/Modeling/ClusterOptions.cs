using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cvr.Modeling;

/// <summary>
/// One rank of a data-parallel <c>cvr train</c> (<c>--machines</c>, <c>--rank</c>, <c>--shared</c>): every machine of the
/// job as HOST:PORT in the same order on every rank, this process's index among them, and optionally a folder every rank
/// can write, where the ranks compare their models before rank 0 publishes the bundle.
/// </summary>
public sealed record ClusterOptions
{
    /// <summary>Every machine as HOST:PORT (this one at <see cref="Rank"/>): a host name or an IPv4 literal.</summary>
    public required IReadOnlyList<string> Machines { get; init; }

    public required int Rank { get; init; }

    /// <summary>A folder shared by every rank: the ranks exchange their partial feature states there (<see cref="RankPartials"/>),
    /// and rank 0 reads the others' model digests there before it publishes; null: every rank fits the features on every
    /// training row, and rank 0 publishes without that check.</summary>
    public string? SharedDirectory { get; init; }

    /// <summary>How long to wait for the other ranks: to resolve their names, to connect (LightGBM's socket time-out, in
    /// whole minutes), and for their feature partials (each round) and digests in <see cref="SharedDirectory"/>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    public int Ranks => Machines.Count;

    public RankPartition Partition => new(Rank, Ranks);

    /// <summary>The port this rank listens on: its own entry's.</summary>
    public int ListenPort => Parse(Machines[Rank]).Port;

    /// <summary>Parses <c>--machines</c> and checks <c>--rank</c> against it.</summary>
    /// <exception cref="ConfigurationException">An entry that isn't HOST:PORT, a duplicate, or a rank out of range.</exception>
    public static ClusterOptions From(string machines, int rank, string? shared, TimeSpan? timeout = null)
    {
        var list = machines.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (list.Length == 0)
        {
            throw new ConfigurationException("machines", "must list every machine of the job as HOST:PORT,HOST:PORT,…");
        }
        foreach (var machine in list) { Parse(machine); }
        var duplicate = list.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigurationException("machines", $"lists {duplicate.Key} twice (every rank needs a HOST:PORT of its own)");
        }
        if (rank < 0 || rank >= list.Length)
        {
            throw new ConfigurationException("rank", $"{rank} is not a rank of the {list.Length} machines listed (expected 0..{list.Length - 1})");
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ConfigurationException("network_timeout", "must be positive");
        }
        return new ClusterOptions { Machines = list, Rank = rank, SharedDirectory = shared, Timeout = timeout ?? TimeSpan.FromMinutes(10) };
    }

    /// <summary>
    /// The machines as IPv4 literals, which is all LightGBM's socket network accepts (it finds its own rank by comparing
    /// them with the addresses of this host's interfaces). Names that don't resolve yet (a Kubernetes headless service
    /// lists a pod only once it runs) are retried until <see cref="Timeout"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">A name without an IPv4 address after the time-out.</exception>
    public IReadOnlyList<string> ResolveIPv4(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Timeout;
        var resolved = new string[Machines.Count];
        for (var i = 0; i < Machines.Count; i++)
        {
            var (host, port) = Parse(Machines[i]);
            while (true)
            {
                var address = TryResolve(host, out var why);
                if (address is not null)
                {
                    resolved[i] = address + ":" + port.ToString(CultureInfo.InvariantCulture);
                    break;
                }
                if (DateTime.UtcNow >= deadline)
                {
                    throw new ConfigurationException("machines", $": {host} has no IPv4 address after {Timeout.TotalSeconds:F0} s ({why}); LightGBM's network needs IPv4");
                }
                Task.Delay(TimeSpan.FromSeconds(1), ct).GetAwaiter().GetResult();
            }
        }
        return resolved;
    }

    private static string? TryResolve(string host, out string why)
    {
        why = "";
        if (IPAddress.TryParse(host, out var literal))
        {
            if (literal.AddressFamily == AddressFamily.InterNetwork) { return literal.ToString(); }
            why = "an IPv6 literal";
            return null;
        }
        try
        {
            var v4 = Dns.GetHostAddresses(host).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork);
            why = "only IPv6 addresses";
            return v4?.ToString();
        }
        catch (SocketException e)
        {
            why = e.Message;
            return null;
        }
    }

    private static (string Host, int Port) Parse(string machine)
    {
        var colon = machine.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(machine.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ConfigurationException("machines", $": '{machine}' is not HOST:PORT (a host name or IPv4 address, a port 1..65535)");
        }
        return (machine[..colon], port);
    }
}
