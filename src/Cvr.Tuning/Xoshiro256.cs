namespace Cvr.Tuning;

/// <summary>
/// xoshiro256** 1.0 (Blackman and Vigna 2018), seeded by SplitMix64 as its authors recommend; shared by the
/// generator and the tuner. Our own generator, not System.Random (whose algorithm may change between .NET
/// versions), so that a seed means the same files and the same sampled parameters everywhere.
/// </summary>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>The generator's streams: one per (seed, stream) pair.</summary>
    public Xoshiro256(ulong seed, ulong stream)
        : this(SplitMix64.Hash(seed, 0x5EED, stream))
    {
    }

    /// <summary>Seeds the four state words from successive SplitMix64 outputs starting at <paramref name="state"/>.</summary>
    private Xoshiro256(ulong state)
    {
        _s0 = SplitMix64.Next(ref state);
        _s1 = SplitMix64.Next(ref state);
        _s2 = SplitMix64.Next(ref state);
        _s3 = SplitMix64.Next(ref state);
    }

    /// <summary>A stream seeded directly from a SplitMix64 state (the tuner keys its own states).</summary>
    public static Xoshiro256 FromState(ulong state) => new(state);

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => SplitMix64.ToUnit(NextUInt64());

    public bool Bernoulli(double p) => NextDouble() < p;

    /// <summary>Uniform integer in [0, n) by Lemire's multiply-shift (bias below 2^-32 for our n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>Standard normal by Box–Muller (one of the pair is discarded to keep the struct small).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
