namespace Cvr.Tuning;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna 2018) seeded by SplitMix64. Our own generator rather than System.Random,
/// whose algorithm may change between .NET versions, so that a seed means the same parameters everywhere.
/// </summary>
/// <remarks>
/// Samplers never keep a generator between calls: each (seed, trial number, parameter name) gets its own stream
/// (<see cref="For"/>). The parameters of trial k then depend only on the seed and the trials finished before k,
/// which is what lets a study resumed from its JSON file continue exactly as if it had never stopped.
/// </remarks>
internal struct TuningRng
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;

    private Xoshiro256 _core;

    public TuningRng(ulong seed) => _core = Xoshiro256.FromState(seed);

    /// <summary>The stream for one parameter of one trial.</summary>
    public static TuningRng For(ulong seed, int trialNumber, string paramName)
    {
        ulong key = Mix(seed ^ Mix((ulong)(uint)trialNumber + GoldenGamma));
        return new TuningRng(Mix(key ^ Fnv1a(paramName)));
    }

    public ulong NextUInt64() => _core.NextUInt64();

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1): never exactly 0 or 1, so it can be fed to a quantile function.</summary>
    public double NextOpenDouble() => ((NextUInt64() >> 11) + 0.5) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n) without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong range = (ulong)n;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            ulong hi = Math.BigMul(NextUInt64(), range, out ulong lo);
            if (lo >= threshold)
            {
                return (int)hi;
            }
        }
    }

    internal static ulong Mix(ulong z) => SplitMix64.Mix(z);


    /// <summary>FNV-1a over the UTF-16 code units: string.GetHashCode is randomised per process.</summary>
    private static ulong Fnv1a(string text)
    {
        ulong hash = 0xCBF29CE484222325UL;
        foreach (char c in text)
        {
            hash = (hash ^ c) * 0x100000001B3UL;
        }
        return hash;
    }
}
