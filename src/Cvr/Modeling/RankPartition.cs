using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// One rank's place in a data-parallel job: rank r of n reads the r-th of n contiguous runs of the train shards
/// (<see cref="RankShards.Assign"/>), and what it learns of every rank's shards before the network opens
/// (<see cref="Shards"/>) places its training rows among every rank's (<see cref="DaySplit.Ranks"/>). With one rank it
/// is the single-machine path: every row, no network parameters.
/// </summary>
public sealed record RankPartition
{
    public RankPartition(int rank, int ranks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ranks);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ranks);
        Rank = rank;
        Ranks = ranks;
    }

    public int Rank { get; }

    public int Ranks { get; }

    public bool Distributed => Ranks > 1;

    /// <summary>Every rank's shards and this rank's rows in its frame, once the ranks have told each other (<see cref="ClusterTraining"/>);
    /// null on one machine.</summary>
    public RankShards? Shards { get; init; }

    /// <summary>
    /// The parameters for a Dataset or Booster of this rank: tree_learner=data, num_machines=n and pre_partition=true
    /// (each rank passes only its own rows), as <see cref="Network.Configure"/> sets them; unchanged with one rank.
    /// </summary>
    public LightGbmParameters Configure(LightGbmParameters parameters) => Distributed
        ? parameters with { TreeLearner = "data", NumMachines = Ranks, PrePartition = true }
        : parameters;
}
