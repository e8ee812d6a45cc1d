using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>
/// Everything drawn once per seed and shared read-only by all shards: value domains, the ad catalog, the story's
/// effect tables and group means, and the calibrated intercepts. Independent of the scale.
/// </summary>
internal sealed partial class World
{
    public const int HoursPerDay = 24;
    public const int DaysPerWeek = 7;
    public const int PivotDay = 56; // middle of the train days: drift terms are 0 here

    /// <summary>User columns that carry a small like effect each.</summary>
    public static readonly int[] UserLikeColumns = [5, 8, 10, 12, 14, 17, 32];

    /// <summary>User columns drawn per user (f_16 is per row, see <see cref="RowSampler"/>).</summary>
    public static readonly int[] UserColumns = [5, 8, 10, 12, 13, 14, 15, 17, 18, 32];

    public ulong Seed { get; }
    public StoryParameters Parameters { get; }
    public Domains Domains { get; }
    public AdCatalog Catalog { get; }

    public double LikeIntercept { get; private set; }
    public double InstallIntercept { get; private set; }
    public double ClickIntercept { get; private set; }

    public readonly double[] AppLike, AppInstall, CategoryInstall, FormatInstall, FormatClick;
    public readonly double[] HourLike, WeekdayLike, HourWeekdayLike, HourWeekdayInstall;
    public readonly double[][] UserLike = new double[33][];
    public readonly double[] F13Install, F15Install, F18Install;
    public readonly double[] LogMean42ByF2, Mean54ByF4, Mean74ByF13, Q71ByHour;
    public readonly double[] LogMean54ByF4, LogMean74ByF13;

    /// <summary>Cumulative hour weights per date_mod (index 7 = the test day's shifted profile).</summary>
    public readonly double[][] HourCum = new double[DaysPerWeek + 1][];

    public World(ulong seed, StoryParameters parameters)
    {
        Seed = seed;
        Parameters = parameters;
        var p = parameters;
        var rng = new Xoshiro256(seed, Streams.World);
        Domains = new Domains(ref rng, p.AdsAtStart + p.AdsBornPerTrainDay * (RealData.LastTrainDay - RealData.FirstTrainDay) + p.AdsBornOnTestDay);
        Catalog = new AdCatalog(ref rng, p, Domains);

        AppLike = Normals(ref rng, Domains.Cardinality(4), p.AppLikeSd);
        AppInstall = Normals(ref rng, Domains.Cardinality(4), p.AppInstallSd);
        CategoryInstall = Normals(ref rng, Domains.Cardinality(2), p.AdCategoryInstallSd);
        FormatInstall = Normals(ref rng, Domains.Cardinality(3), p.AdFormatInstallSd);
        FormatClick = Normals(ref rng, Domains.Cardinality(3), p.ClickAdSd);
        HourLike = Normals(ref rng, HoursPerDay, p.HourLikeSd);
        WeekdayLike = Normals(ref rng, DaysPerWeek, p.WeekdayLikeSd);
        HourWeekdayLike = Normals(ref rng, HoursPerDay * DaysPerWeek, p.HourWeekdayLikeSd);
        HourWeekdayInstall = Normals(ref rng, HoursPerDay * DaysPerWeek, p.HourWeekdayInstallSd);
        foreach (int c in UserLikeColumns) UserLike[c] = Normals(ref rng, Domains.Cardinality(c), p.UserLikeSd);
        F13Install = Normals(ref rng, Domains.Cardinality(13), p.F13InstallSd);
        F15Install = Normals(ref rng, Domains.Cardinality(15), p.F15InstallSd);
        F18Install = Normals(ref rng, Domains.Cardinality(18), p.F18InstallSd);

        // Group means of counts: the count of a row is its group's mean × user activity × noise, and the story
        // reacts to the count relative to the group mean, which is what group statistics recover.
        LogMean42ByF2 = Normals(ref rng, Domains.Cardinality(2), 1.0).Select(z => z + Math.Log(400)).ToArray();
        Mean54ByF4 = Normals(ref rng, Domains.Cardinality(4), 0.8).Select(z => Math.Exp(z + Math.Log(20))).ToArray();
        Mean74ByF13 = Normals(ref rng, Domains.Cardinality(13), 0.7).Select(z => Math.Exp(z + Math.Log(8))).ToArray();
        LogMean54ByF4 = Mean54ByF4.Select(m => Math.Log(1 + m)).ToArray();
        LogMean74ByF13 = Mean74ByF13.Select(m => Math.Log(1 + m)).ToArray();
        Q71ByHour = Enumerable.Range(0, HoursPerDay).Select(_ => 0.05 + 0.3 * rng.NextDouble()).ToArray();

        for (int dm = 0; dm <= DaysPerWeek; dm++) HourCum[dm] = HourProfile(dm);
        Calibrate();
    }

    public int UserAttribute(int user, int column) =>
        Domains.SkewedIndex(column, Hashed.Unit(Seed, Streams.UserAttributeSalt + (ulong)column, (ulong)user));

    public double UserActivity(int user)
    {
        double sd = Parameters.UserActivitySd;
        return Math.Exp(sd * Hashed.Normal(Seed, Streams.UserActivitySalt, (ulong)user) - 0.5 * sd * sd);
    }

    /// <summary>
    /// A diurnal curve (quiet at night, peaks in the evening); weekends (date_mod 5, 6 by our choice) later in the day,
    /// and the test day slightly shifted, since the paper (2.1.3) found f_11 distributed differently in test.
    /// </summary>
    private static double[] HourProfile(int dm)
    {
        double shift = dm >= 5 && dm < DaysPerWeek ? 1.5 : dm == DaysPerWeek ? 0.7 : 0;
        var cum = new double[HoursPerDay];
        double sum = 0;
        for (int h = 0; h < HoursPerDay; h++)
            cum[h] = sum += 1.1 + Math.Sin(2 * Math.PI * (h - 9 - shift) / HoursPerDay);
        return cum;
    }

    private static double[] Normals(ref Xoshiro256 rng, int n, double sd)
    {
        var values = new double[n];
        for (int i = 0; i < n; i++) values[i] = sd * rng.NextNormal();
        return values;
    }
}

/// <summary>Stream ids and hash salts: each random purpose has its own, so that adding one never shifts another.</summary>
internal static class Streams
{
    public const ulong World = 1;
    public const ulong Plan = 2;
    public const ulong Calibration = 3;
    public const ulong Test = 4;
    public const ulong FirstTrainShard = 1000;
    public const ulong UserAttributeSalt = 100;
    public const ulong UserActivitySalt = 200;
}
