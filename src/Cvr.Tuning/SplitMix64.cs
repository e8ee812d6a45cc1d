namespace Cvr.Tuning;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014), shared by the generator, the tuner and the fold plan: seeds random streams
/// and doubles as a stateless hash, so that (for example) per-user and
/// per-ad attributes can be recomputed anywhere from (seed, salt, index) without shared mutable state.
/// </summary>
public static class SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public static ulong Next(ref ulong state)
    {
        state += Gamma;
        return Mix(state);
    }

    /// <summary>A hash of three words; used as "the random number that belongs to (seed, salt, index)".</summary>
    public static ulong Hash(ulong seed, ulong salt, ulong index) =>
        Mix(Mix(seed + Gamma * (salt + 1)) ^ (index * 0xD1B54A32D192ED03UL + Gamma));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));
}
