namespace Cvr.Features;

/// <summary>
/// A fitted cross: every (left, right) key pair seen in the fitting rows gets a code, in ascending pair order
/// (so the codes don't depend on row order); an unseen pair encodes to −1. The pair set is a union over rows,
/// so shards can be fitted apart and merged.
/// </summary>
public sealed record FittedCross(string Left, string Right, long[] Pairs)
{
    public const int Unseen = -1;

    private Dictionary<long, int>? _codes;

    [System.Text.Json.Serialization.JsonIgnore]
    public string Name => CrossStep.NameOf(Left, Right);

    internal static FittedCross Fit(string left, string right, int[] leftKeys, int[] rightKeys)
        => FromPairs(left, right, PairsOf(leftKeys, rightKeys));

    /// <summary>The set of (left, right) pairs of some rows: a cross's partial state, merged by union.</summary>
    internal static HashSet<long> PairsOf(int[] leftKeys, int[] rightKeys)
    {
        var set = new HashSet<long>(PairComparer.Instance);
        for (var i = 0; i < leftKeys.Length; i++)
        {
            set.Add(Pack(leftKeys[i], rightKeys[i]));
        }
        return set;
    }

    /// <summary>The fitted cross of a set of pairs: codes in ascending pair order, whichever rows the pairs came from.</summary>
    internal static FittedCross FromPairs(string left, string right, HashSet<long> set)
    {
        var pairs = set.ToArray();
        Array.Sort(pairs);
        return new FittedCross(left, right, pairs);
    }

    internal void Encode(int[] leftKeys, int[] rightKeys, Span<int> codes)
    {
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = Code(leftKeys[i], rightKeys[i]);
        }
    }

    /// <summary>The code of one (left, right) pair, or <see cref="Unseen"/>: the per-element function of
    /// <see cref="Encode"/> and of the per-row path.</summary>
    internal int Code(int left, int right)
    {
        var lookup = _codes ??= BuildLookup();
        return lookup.TryGetValue(Pack(left, right), out var code) ? code : Unseen;
    }

    private Dictionary<long, int> BuildLookup()
    {
        var lookup = new Dictionary<long, int>(Pairs.Length, PairComparer.Instance);
        for (var i = 0; i < Pairs.Length; i++)
        {
            lookup[Pairs[i]] = i;
        }
        return lookup;
    }

    /// <summary>Orders pairs by left key, then right key (signed order kept by the bias).</summary>
    private static long Pack(int left, int right) => ((long)left << 32) | (uint)(right ^ int.MinValue);

    /// <summary>
    /// Hashes a packed pair by Fibonacci hashing (Knuth: the high half of the product with 2^64/φ) instead of
    /// <see cref="long.GetHashCode"/>, which XORs the halves: every pair with left ^ right constant (two columns holding
    /// the same ids, a column crossed with itself) then had one hash code, so fitting and looking up a cross of n such
    /// pairs took O(n²) (f_4 = f_6, a level per row: 80,000 rows cost 32 CPU seconds of cvr train --preset paper, 7 without the cross; 400,000 rows ran for minutes).
    /// </summary>
    internal sealed class PairComparer : IEqualityComparer<long>
    {
        public static readonly PairComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long pair) => (int)((ulong)pair * 0x9E3779B97F4A7C15UL >> 32);
    }
}
