using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>One ad (f_6): its life span, popularity, attributes and effects. Built once per seed.</summary>
internal sealed class Ad
{
    public int StartDay, EndDay;
    public double Weight;
    public int[] Apps = [];                // f_4 value indices; [0] is the primary app
    public double[] CrossLike = [], CrossInstall = []; // f_4 × f_6 effect per app slot (0 for the primary)
    public int F2, F3, F19, F20, F21, F22;  // value indices of the ad attributes
    public double Like, Install, Drift, Click;
    public bool F64Tail;
    public long[] Block = [];              // ad block mantissas per (day − 45) × 11 slots
}

/// <summary>
/// The ad catalog: ads live over [StartDay, EndDay]; every day about 2,800 are live (data-format.md), a few
/// hundred are born on the test day and take <see cref="RealData.UnseenAdShareTest"/> of its rows.
/// </summary>
internal sealed partial class AdCatalog
{
    private const int Days = RealData.TestDay - RealData.FirstTrainDay + 1;
    private const int BlockSlots = 11;
    private const int MaxTailAttempts = 100_000;
    private const double MultiAppTwo = 759.0 / 5162, MultiAppThree = 273.0 / 5162; // f_6 → f_4 fan-out

    private readonly int[][] _live = new int[Days][];
    private readonly double[][] _cumWeight = new double[Days][];
    private readonly int[] _freshTest;
    private readonly double[] _freshCum;

    public Ad[] Ads { get; }

    public AdCatalog(ref Xoshiro256 rng, StoryParameters p, Domains d)
    {
        var ads = new List<Ad>();
        // Life spans are memoryless, so ads already live at day 45 can simply start their remaining life there.
        for (int i = 0; i < p.AdsAtStart; i++) ads.Add(NewAd(ref rng, p, d, RealData.FirstTrainDay));
        for (int day = RealData.FirstTrainDay + 1; day <= RealData.LastTrainDay; day++)
            for (int i = 0; i < p.AdsBornPerTrainDay; i++) ads.Add(NewAd(ref rng, p, d, day));
        for (int i = 0; i < p.AdsBornOnTestDay; i++) ads.Add(NewAd(ref rng, p, d, RealData.TestDay));
        Ads = [.. ads];

        for (int k = 0; k < Days; k++)
        {
            int day = RealData.FirstTrainDay + k;
            // The test day draws old ads and fresh ads separately, so the fresh share is exact in expectation.
            _live[k] = Enumerable.Range(0, Ads.Length)
                .Where(a => Ads[a].StartDay <= day && Ads[a].EndDay >= day && (day != RealData.TestDay || Ads[a].StartDay < day))
                .ToArray();
            _cumWeight[k] = Cumulative(_live[k]);
        }
        _freshTest = Enumerable.Range(0, Ads.Length).Where(a => Ads[a].StartDay == RealData.TestDay).ToArray();
        _freshCum = Cumulative(_freshTest);
        MarkF64Tail(ref rng);
        for (int a = 0; a < Ads.Length; a++) FillBlock(ref rng, a);
    }

    /// <summary>Draws the ad of a row on <paramref name="day"/>.</summary>
    public int Sample(int day, ref Xoshiro256 rng)
    {
        if (day == RealData.TestDay && rng.NextDouble() < RealData.UnseenAdShareTest)
            return Pick(_freshTest, _freshCum, rng.NextDouble());
        int k = day - RealData.FirstTrainDay;
        return Pick(_live[k], _cumWeight[k], rng.NextDouble());
    }

    public int LiveCount(int day) => _live[day - RealData.FirstTrainDay].Length;

    /// <summary>The ad block's value of an ad on a day as (mantissa, decimals): see <see cref="Columns.AdBlockDecimals"/>.</summary>
    public long BlockMantissa(int ad, int day, int slot) =>
        Ads[ad].Block[(day - RealData.FirstTrainDay) * BlockSlots + slot];

    private static int Pick(int[] items, double[] cum, double u)
    {
        int i = Array.BinarySearch(cum, u * cum[^1]);
        if (i < 0) i = ~i;
        return items[Math.Min(i, items.Length - 1)];
    }

    private double[] Cumulative(int[] items)
    {
        var cum = new double[items.Length];
        double sum = 0;
        for (int i = 0; i < items.Length; i++) cum[i] = sum += Ads[items[i]].Weight;
        return cum;
    }

    private static Ad NewAd(ref Xoshiro256 rng, StoryParameters p, Domains d, int start)
    {
        int life = (int)(-Math.Log(1.0 - rng.NextDouble()) * p.AdMeanLifetimeDays);
        double u = rng.NextDouble();
        int appCount = u < MultiAppThree ? 3 : u < MultiAppThree + MultiAppTwo ? 2 : 1;
        var apps = new int[appCount];
        var crossLike = new double[appCount];
        var crossInstall = new double[appCount];
        for (int i = 0; i < appCount; i++)
        {
            apps[i] = d.SkewedIndex(4, rng.NextDouble());
            if (i > 0)
            {
                crossLike[i] = p.CrossSd * rng.NextNormal();
                crossInstall[i] = p.CrossSd * rng.NextNormal();
            }
        }
        return new Ad
        {
            StartDay = start,
            EndDay = start + life,
            Weight = Math.Exp(p.AdWeightSd * rng.NextNormal()),
            Apps = apps, CrossLike = crossLike, CrossInstall = crossInstall,
            F2 = d.SkewedIndex(2, rng.NextDouble()), F3 = d.SkewedIndex(3, rng.NextDouble()),
            F19 = d.SkewedIndex(19, rng.NextDouble()), F20 = d.SkewedIndex(20, rng.NextDouble()),
            F21 = d.SkewedIndex(21, rng.NextDouble()), F22 = d.SkewedIndex(22, rng.NextDouble()),
            Like = p.AdLikeSd * rng.NextNormal(), Install = p.AdInstallSd * rng.NextNormal(),
            Drift = p.AdDriftSd * rng.NextNormal(), Click = p.ClickAdSd * rng.NextNormal(),
        };
    }

    /// <summary>
    /// Picks ads that do not live on the test day for the f_64 tail until they carry 2.5% of the expected train
    /// rows (data-format.md: 2.5% of train rows above 3e8, none in test).
    /// </summary>
    private void MarkF64Tail(ref Xoshiro256 rng)
    {
        var share = new double[Ads.Length];
        for (int k = 0; k < Days - 1; k++)
        {
            double rows = RealData.TrainRowsPerDay[k] / (double)RealData.TrainRows;
            double total = _cumWeight[k][^1];
            foreach (int a in _live[k]) share[a] += rows * Ads[a].Weight / total;
        }
        var candidates = Enumerable.Range(0, Ads.Length).Where(a => Ads[a].EndDay < RealData.TestDay).ToArray();
        double covered = 0;
        for (int attempt = 0; attempt < MaxTailAttempts && covered < RealData.F64TailTrainShare && candidates.Length > 0; attempt++)
        {
            int a = candidates[rng.NextInt(candidates.Length)];
            if (Ads[a].F64Tail || share[a] > RealData.F64TailTrainShare - covered + 0.002) continue;
            Ads[a].F64Tail = true;
            covered += share[a];
        }
    }
}
