using Cvr.Tuning;

namespace Cvr.Features;

/// <summary>
/// Assigns every training row to one of k folds for out-of-fold target encoding; one plan is shared by all
/// target-based steps. The fold comes from a hash of the row id and the seed, not from row order, so it is the
/// same however the data is sharded, ordered or split across machines.
/// </summary>
public sealed record FoldPlan(int Folds, ulong Seed)
{
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
