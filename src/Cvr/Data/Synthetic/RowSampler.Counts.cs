using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

internal sealed partial class RowSampler
{
    // Ranges and zero shares from data-format.md's numeric table; the means are our choice.
    private const long F42Max = 608_904;
    private const double F42ZeroShare = 0.107;
    private const long F55F57Max = 1_846;
    private const double F60ZeroShare = 0.984;
    private const double F75CapShare = 0.806;
    private const long F75Cap = 30, F72Cap = 10, F73Cap = 7, F71Max = 3, F77Cap = 3, F78Cap = 13, F79Cap = 6;
    private const long GenericCap = 5_000;

    /// <summary>Zero shares of f_44..f_50 ("95–99.5% zeros").</summary>
    private static ReadOnlySpan<double> ZeroShare44To50 => [0.95, 0.96, 0.97, 0.98, 0.99, 0.995, 0.975];

    /// <summary>Zero shares of f_61, f_62, f_63.</summary>
    private static ReadOnlySpan<double> ZeroShare61To63 => [0.41, 0.50, 0.57];

    /// <summary>Zero shares and typical sizes of f_52..f_57 (our choice; f_54's size depends on its app f_4).</summary>
    private static ReadOnlySpan<double> ZeroShare52To57 => [0.35, 0.45, 0.3, 0.5, 0.4, 0.55];

    private static ReadOnlySpan<double> Mean52To57 => [12, 6, 0, 40, 9, 30];

    private void SampleCounts(Row r, double activity, ref Xoshiro256 rng)
    {
        var n = r.Count;
        var ix = r.Index;

        n[42] = rng.NextDouble() < F42ZeroShare ? 0
            : Math.Min(F42Max, 1 + LogNormalCount(Math.Exp(_w.LogMean42ByF2[ix[2]]) * activity, 1.0, ref rng));
        for (int k = 0; k < 7; k++)
            n[44 + k] = rng.NextDouble() < ZeroShare44To50[k] ? 0 : 1 + Geometric(1.0, ref rng);
        for (int k = 0; k < 6; k++)
        {
            int c = 52 + k;
            double mean = c == 54 ? _w.Mean54ByF4[ix[4]] : Mean52To57[k];
            long cap = c is 55 or 57 ? F55F57Max : GenericCap;
            n[c] = rng.NextDouble() < ZeroShare52To57[k] ? 0 : Math.Min(cap, 1 + LogNormalCount(mean * activity, 0.9, ref rng));
        }
        n[60] = rng.NextDouble() < F60ZeroShare ? 0 : 1 + Geometric(2.0, ref rng);
        for (int k = 0; k < 3; k++)
            n[61 + k] = rng.NextDouble() < ZeroShare61To63[k] ? 0 : 1 + Geometric(4.0 * activity, ref rng);

        // f_71 is binomial with an hour-dependent rate: its mean per f_11 group is 3·q(hour).
        double q = _w.Q71ByHour[ix[11]];
        long f71 = 0;
        for (int t = 0; t < F71Max; t++) f71 += rng.NextDouble() < q ? 1 : 0;
        n[71] = f71;
        n[72] = Math.Min(F72Cap, LogNormalCount(1.5 * activity, 0.8, ref rng));
        n[73] = Math.Min(F73Cap, LogNormalCount(0.7 * activity, 0.8, ref rng));
        n[74] = Math.Min(GenericCap, LogNormalCount(_w.Mean74ByF13[ix[13]] * activity, 0.7, ref rng));
        n[75] = rng.NextDouble() < F75CapShare ? F75Cap : rng.NextInt((int)F75Cap);
        n[76] = Math.Min(GenericCap, LogNormalCount(3.0 * activity, 1.0, ref rng));
        n[77] = Math.Min(F77Cap, LogNormalCount(0.3 * activity, 1.0, ref rng));
        n[78] = Math.Min(F78Cap, LogNormalCount(1.5 * activity, 1.0, ref rng));
        n[79] = Math.Min(F79Cap, LogNormalCount(0.5 * activity, 1.0, ref rng));
    }

    /// <summary>mean × lognormal noise (mean preserved), stochastically rounded to a whole count.</summary>
    private static long LogNormalCount(double mean, double sd, ref Xoshiro256 rng)
    {
        double x = mean * Math.Exp(sd * rng.NextNormal() - 0.5 * sd * sd);
        return (long)Math.Floor(x + rng.NextDouble());
    }

    /// <summary>Geometric count on {0, 1, …} with the given mean.</summary>
    private static long Geometric(double mean, ref Xoshiro256 rng)
    {
        double keep = mean / (1 + mean);
        return (long)Math.Floor(Math.Log(1 - rng.NextDouble()) / Math.Log(keep));
    }
}
