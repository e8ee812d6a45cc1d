using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// Which training rows one rank of a data-parallel job bins and trains on: rank r of n takes the r-th of n
/// near-equal contiguous blocks of a split's training rows (in frame order: the train shard files by name, then their
/// lines), positions [⌊T·r/n⌋, ⌊T·(r+1)/n⌋) of T. Every rank holds the whole validation day. With one rank it is the
/// single-machine path: every row, no network parameters.
/// </summary>
/// <remarks>
/// Blocks of rows rather than whole files, because every rank still reads every shard (a rank can't find its block,
/// the validation day's rows or the data's fingerprint without them: docs/pipeline.md, "Training on a cluster"), so
/// file boundaries would only make the ranks unequal; contiguous blocks are what a feature fit across ranks merges
/// (<see cref="FrameShardEnds"/>, <see cref="RankPartials"/>), and with a shared folder what else a rank computes from
/// rows is its block's (the encodings' tables, the bin sample, the labels: <see cref="RankSample"/>, <see cref="SplitLabels.ForRank"/>).
/// </remarks>
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

    /// <summary>The positions [Start, End) of rank <paramref name="rank"/>'s block among <paramref name="rows"/> rows.</summary>
    public (int Start, int End) BlockOf(int rank, int rows) => ((int)((long)rows * rank / Ranks), (int)((long)rows * (rank + 1) / Ranks));

    /// <summary>This rank's block among <paramref name="rows"/> rows.</summary>
    public (int Start, int End) Block(int rows) => BlockOf(Rank, rows);

    /// <summary>
    /// The ranks' ranges of a frame of <paramref name="frameRows"/> rows for a feature fit on the training rows
    /// <paramref name="trainRows"/> (frame rows, ascending): range r ends where rank r + 1's block of training rows begins
    /// (the last at the frame's end), so the training rows of range r are exactly rank r's <see cref="Block"/>. The rows
    /// between blocks that aren't training rows (another day's) fall in a range too: history counts every labelled row.
    /// </summary>
    public int[] FrameShardEnds(int[] trainRows, int frameRows)
    {
        ArgumentNullException.ThrowIfNull(trainRows);
        var ends = new int[Ranks];
        for (var r = 0; r < Ranks; r++)
        {
            var next = r == Ranks - 1 ? trainRows.Length : BlockOf(r + 1, trainRows.Length).Start;
            ends[r] = next == trainRows.Length ? frameRows : trainRows[next];
        }
        return ends;
    }

    /// <summary>
    /// The parameters for a Dataset or Booster of this rank: tree_learner=data, num_machines=n and pre_partition=true
    /// (each rank passes only its own rows), as <see cref="Network.Configure"/> sets them; unchanged with one rank.
    /// </summary>
    public LightGbmParameters Configure(LightGbmParameters parameters) => Distributed
        ? parameters with { TreeLearner = "data", NumMachines = Ranks, PrePartition = true }
        : parameters;

    /// <summary>
    /// Refuses, before any network is opened, a job in which some rank would get no training rows or no liked training
    /// rows (stage 2's rows): LightGBM can't bin an empty dataset, and the other ranks would wait for it. Every rank
    /// checks every rank, so all of them stop with the same message.
    /// </summary>
    /// <param name="likedPositions">The liked training rows' positions (clicked or installed; ascending).</param>
    /// <exception cref="ConfigurationException">A rank has nothing to train on.</exception>
    public void CheckEveryRankHasRows(int trainingRows, int[] likedPositions)
    {
        ArgumentNullException.ThrowIfNull(likedPositions);
        for (var r = 0; r < Ranks; r++)
        {
            var (start, end) = BlockOf(r, trainingRows);
            if (end == start)
            {
                throw new ConfigurationException(
                    $"rank {r} of {Ranks} would get no training rows ({trainingRows:N0} training rows split into {Ranks} blocks): use at most {trainingRows:N0} ranks");
            }
            var first = Array.BinarySearch(likedPositions, start);
            first = first >= 0 ? first : ~first;
            if (first == likedPositions.Length || likedPositions[first] >= end)
            {
                throw new ConfigurationException(
                    $"rank {r} of {Ranks} would get no liked training rows (clicked or installed) among its {end - start:N0} training rows, so stage 2 (install given like) has nothing to bin there: use fewer ranks");
            }
        }
    }
}
