using System.CommandLine;
using Cvr.Modeling;

namespace Cvr.Cli.Commands;

/// <summary><c>cvr train</c>'s options for one rank of a data-parallel job (docs/pipeline.md, "Training on a cluster").</summary>
internal static class ClusterCommandOptions
{
    public static readonly Option<string?> MachinesOption = new("--machines")
    {
        Description = "Train data-parallel with these machines, HOST:PORT,HOST:PORT,… in the same order on every rank (each rank listens on its own entry's port, and reads only its run of train/'s shards). One entry: train alone, through the same path.",
    };

    public static readonly Option<int?> RankOption = new("--rank") { Description = "This process's index in --machines (0 writes the bundle)." };

    public static readonly Option<string?> SharedOption = new("--shared")
    {
        Description = "A folder every rank can write (required with more than one machine): the ranks exchange their row counts and validation-day rows there, merge their feature fits there (each fits its own rows), and rank 0 writes the bundle only after every rank has reported the same models there.",
    };

    public static readonly Option<double?> NetworkTimeoutOption = new("--network-timeout")
    {
        Description = "Seconds to wait for the other ranks (name resolution, connecting, their counts, rows, feature partials and digests in --shared); default 600.",
    };

    public static IEnumerable<Option> All => [MachinesOption, RankOption, SharedOption, NetworkTimeoutOption];

    /// <summary>The rank's cluster options, or null when none is given.</summary>
    /// <exception cref="ConfigurationException">--rank, --shared or --network-timeout without --machines, or --machines without --rank.</exception>
    public static ClusterOptions? Read(ParseResult parse)
    {
        var machines = parse.GetValue(MachinesOption);
        var rank = parse.GetValue(RankOption);
        var shared = parse.GetValue(SharedOption);
        var timeout = parse.GetValue(NetworkTimeoutOption);
        if (machines is null)
        {
            if (rank is not null || shared is not null || timeout is not null)
            {
                throw new ConfigurationException("--rank, --shared and --network-timeout belong to a data-parallel job: give --machines too");
            }
            return null;
        }
        if (rank is null)
        {
            throw new ConfigurationException("--machines needs --rank (this process's index among them)");
        }
        return ClusterOptions.From(machines, rank.Value, shared, timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    /// <summary>For commands that can't run across machines: a clear refusal instead of an unknown option.</summary>
    public static Option<string?> Refused(string command) => new("--machines")
    {
        Description = $"Not supported by {command}: it runs in one process.",
        Hidden = true,
    };
}
