using Cvr.Tuning;

namespace Cvr.Features;

/// <summary>
/// Assigns every training row to one of k folds for out-of-fold target encoding; one plan is shared by all
/// target-based steps. The fold comes from a hash of the row id and the seed, not from row order, so it is the
/// same however the data is sharded, ordered or split across machines.
/// </summary>
public sealed record FoldPlan
{
    /// <summary>Most folds a plan can have: <see cref="Assign"/> stores a row's fold in a byte, and a larger count
    /// would wrap (fold 256 becoming fold 0), so a row would be encoded with tables that hold its own label.</summary>
    public const int MaxFolds = byte.MaxValue + 1;

    public FoldPlan(int folds, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(folds, MaxFolds);
        Folds = folds;
        Seed = seed;
    }

    public int Folds { get; }

    public ulong Seed { get; }

    public int FoldOf(long rowId)
    {
        var state = (ulong)rowId ^ Seed;
        return (int)(SplitMix64.Next(ref state) % (ulong)Folds);
    }

    public byte[] Assign(long[] rowIds, int[]? rows)
    {
        var n = rows?.Length ?? rowIds.Length;
        var folds = new byte[n];
        for (var i = 0; i < n; i++)
        {
            folds[i] = (byte)FoldOf(rowIds[rows is null ? i : rows[i]]);
        }
        return folds;
    }
}
