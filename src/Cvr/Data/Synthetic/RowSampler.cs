using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>Draws the features of one impression on a given day (labels come from <see cref="Story"/>).</summary>
internal sealed partial class RowSampler(World world)
{
    private const double F9MainShare = 0.86;          // our choice: "one main value and a minority value"
    private const int F9MinorityOffset = 3;
    private const double TestOnlyF16Share = 0.05;     // our choice: the 2 test-only f_16 values
    private const double F30NonZeroShare = 0.003;     // "when present almost always 0"

    private readonly World _w = world;

    public void Sample(Row r, int day, ref Xoshiro256 rng)
    {
        var p = _w.Parameters;
        var d = _w.Domains;
        bool test = day == RealData.TestDay;
        int dm = day % World.DaysPerWeek;
        var ix = r.Index;
        r.Day = day;

        // The ad and its attributes (f_2, f_3, f_19..f_22 fixed per ad; f_4 mostly its primary app).
        int adIndex = _w.Catalog.Sample(day, ref rng);
        var ad = _w.Catalog.Ads[adIndex];
        r.Ad = adIndex;
        r.AppSlot = ad.Apps.Length > 1 && rng.NextDouble() < p.SecondaryAppShare ? 1 + rng.NextInt(ad.Apps.Length - 1) : 0;
        ix[6] = adIndex;
        ix[4] = ad.Apps[r.AppSlot];
        ix[2] = ad.F2;
        ix[3] = ad.F3;
        ix[19] = ad.F19;
        ix[20] = ad.F20;
        ix[21] = ad.F21;
        ix[22] = ad.F22;

        // The user: heavy users are drawn more often; their columns are a stateless function of the user.
        int user = (int)(p.UserCount * Math.Pow(rng.NextDouble(), p.UserSkewPower));
        foreach (int c in World.UserColumns) ix[c] = _w.UserAttribute(user, c);
        ix[16] = test && rng.NextDouble() < TestOnlyF16Share
            ? Domains.F16TrainValues + rng.NextInt(d.Cardinality(16) - Domains.F16TrainValues)
            : d.SkewedIndex(16, Hashed.Unit(_w.Seed, Streams.UserAttributeSalt + 16, (ulong)user), Domains.F16TrainValues);

        // Time of the impression.
        var hours = _w.HourCum[test ? World.DaysPerWeek : dm];
        int hour = Array.BinarySearch(hours, rng.NextDouble() * hours[^1]);
        ix[11] = Math.Min(hour < 0 ? ~hour : hour, World.HoursPerDay - 1);
        ix[9] = rng.NextDouble() < F9MainShare ? dm : (dm + F9MinorityOffset) % World.DaysPerWeek;
        ix[7] = 0;

        SampleRareColumns(r, test, ref rng);
        SampleCounts(r, _w.UserActivity(user), ref rng);
        r.AdBlockMissing = rng.NextDouble() < (test ? RealData.MissingAdBlockTest : RealData.MissingAdBlockTrain);
    }

    private static void SampleRareColumns(Row r, bool test, ref Xoshiro256 rng)
    {
        var ix = r.Index;
        // f_23..f_25 share one source: value 1 (f_23 = 16234) only in train, two rare values anywhere.
        double u = rng.NextDouble();
        int source = !test && u < RealData.F23TrainOnlyShare ? 1
            : u > 1 - (test ? RealData.F23RareShareTest : RealData.F23RareShareTrain) ? 2 + rng.NextInt(2) : 0;
        ix[23] = ix[24] = ix[25] = source;

        int flag = rng.NextDouble() < RealData.F26To29NonZeroShare ? 1 : 0;
        ix[26] = ix[27] = ix[28] = ix[29] = flag;

        if (rng.NextDouble() < (test ? RealData.MissingF30F31Test : RealData.MissingF30F31Train))
            ix[30] = ix[31] = Row.Missing;
        else
        {
            ix[30] = rng.NextDouble() < F30NonZeroShare ? 1 : 0;
            ix[31] = rng.NextDouble() < F30NonZeroShare ? 1 : 0;
        }
    }
}
