using Cvr.Tuning;

namespace Cvr.Data.Synthetic;


/// <summary>Stateless draws keyed by (seed, salt, index).</summary>
internal static class Hashed
{
    public static double Unit(ulong seed, ulong salt, ulong index) =>
        SplitMix64.ToUnit(SplitMix64.Hash(seed, salt, index));

    public static double Normal(ulong seed, ulong salt, ulong index)
    {
        ulong h = SplitMix64.Hash(seed, salt, index);
        double u1 = 1.0 - SplitMix64.ToUnit(h);
        double u2 = SplitMix64.ToUnit(SplitMix64.Mix(h));
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
