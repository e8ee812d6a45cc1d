namespace Cvr.Features;

/// <summary>
/// Assigns every training row to one of k folds for out-of-fold target encoding; one plan is shared by all
/// target-based steps. The fold comes from a hash of the row id and the seed, not from row order, so it is the
/// same however the data is sharded, ordered or split across machines.
/// </summary>
public sealed record FoldPlan(int Folds, ulong Seed)
{
    public int FoldOf(long rowId) => (int)(Mix((ulong)rowId ^ Seed) % (ulong)Folds);

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

    /// <summary>SplitMix64's finaliser: a well-mixed 64-bit hash.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
