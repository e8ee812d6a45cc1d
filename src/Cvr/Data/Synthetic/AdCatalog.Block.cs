using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

internal sealed partial class AdCatalog
{
    // Shapes of the ad numeric block from data-format.md: f_43 mean 1.09, f_51 in 0..30.7, f_58 mean 1.50,
    // f_59 heavy tail up to 4,524, f_64 median 5.6e7 (tail above 3e8 only on some train ads), f_65 up to 245,376,
    // f_66..f_70 small positives with f_68, f_69 43% zeros.
    private const double F51Max = 30.7, F59Max = 4524, F64Median = 5.6e7, F65Max = 245_376;
    private const double F64Ceiling = 2.95e8, ZeroShareF68F69 = 0.43;
    private const double DailyJitterSd = 0.1;

    /// <summary>log f_64 standardised, for the story's "ad quality is visible in f_64" effect.</summary>
    public static double F64Z(double f64) => (Math.Log(f64) - Math.Log(F64Median)) / 0.9;

    public double F64Value(int ad) => _f64[ad];

    private double[] _f64 = [];

    private void FillBlock(ref Xoshiro256 rng, int index)
    {
        if (_f64.Length == 0) _f64 = new double[Ads.Length];
        var ad = Ads[index];
        double f43 = Math.Exp(0.35 * rng.NextNormal() - 0.06) * 1.09;
        double f51 = F51Max * Math.Pow(rng.NextDouble(), 1.5);
        double f58 = Math.Exp(0.4 * rng.NextNormal() - 0.08) * 1.5;
        double f59 = Math.Min(F59Max, 5.0 * Math.Pow(1.0 - rng.NextDouble(), -1.1));
        double f64 = F64Median * Math.Exp(0.9 * rng.NextNormal());
        if (f64 > F64Ceiling) f64 = F64Ceiling * rng.NextDouble();
        if (ad.F64Tail) f64 = 3.01e8 * Math.Exp(Math.Abs(0.8 * rng.NextNormal()));
        _f64[index] = f64;
        double f65 = Math.Min(F65Max, Math.Exp(7.5 + 1.6 * rng.NextNormal()));
        Span<double> small = stackalloc double[5];
        Span<bool> zero = stackalloc bool[5];
        for (int i = 0; i < 5; i++) small[i] = Math.Exp(Math.Log(0.3 + i * 0.2) + 0.7 * rng.NextNormal());

        ad.Block = new long[Days * BlockSlots];
        for (int day = ad.StartDay; day <= Math.Min(ad.EndDay, RealData.TestDay); day++)
        {
            int o = (day - RealData.FirstTrainDay) * BlockSlots;
            // Ad id-like columns (f_51, f_59, f_64, f_65) stay fixed; the rate-like ones move a little each day.
            ad.Block[o + 0] = Mantissa(f43 * Math.Exp(DailyJitterSd * rng.NextNormal()), 0);
            ad.Block[o + 1] = Mantissa(f51, 1);
            ad.Block[o + 2] = Mantissa(f58 * Math.Exp(DailyJitterSd * rng.NextNormal()), 2);
            ad.Block[o + 3] = Mantissa(f59, 3);
            ad.Block[o + 4] = Mantissa(f64, 4);
            ad.Block[o + 5] = Mantissa(f65, 5);
            for (int i = 0; i < 5; i++)
            {
                zero[i] = (i == 2 || i == 3) && rng.NextDouble() < ZeroShareF68F69;
                double v = zero[i] ? 0 : small[i] * Math.Exp(2 * DailyJitterSd * rng.NextNormal());
                ad.Block[o + 6 + i] = Mantissa(v, 6 + i);
            }
        }
    }

    private static long Mantissa(double value, int slot) =>
        (long)Math.Round(value * Pow10(Columns.AdBlockDecimals[slot]));

    private static double Pow10(int n) => n switch { 0 => 1, 1 => 10, 2 => 100, 3 => 1e3, 4 => 1e4, _ => Math.Pow(10, n) };
}
