using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

public class HistoryTests
{
    private static readonly string[] s_keys = ["f_6", "f_4@f_6"];

    /// <summary>History only, so nothing else in the matrix depends on labels.</summary>
    private static FeatureConfig Config(bool sameDay = true) => new()
    {
        Crosses = [],
        GroupStatistics = new GroupStatisticsConfig { Pairs = [] },
        TargetEncoding = new TargetEncodingConfig { Columns = [] },
        History = new HistoryConfig
        {
            Keys = s_keys,
            Windows = [1, 3, 0],
            Statistics = [HistoryStatistic.Impressions, HistoryStatistic.Likes, HistoryStatistic.Installs, HistoryStatistic.LikeRate, HistoryStatistic.InstallRate],
            PriorRows = 10,
            SameDay = sameDay,
        },
    };

    private static string[] HistoryNames(FittedFeaturePipeline p) => p.FeatureNames.Where(n => s_keys.Any(k => n.StartsWith(k + "_", StringComparison.Ordinal))).ToArray();

    [Fact]
    public void Transform_ChangingLabelsOfADay_ChangesOnlyLaterDays()
    {
        const int day = 55;
        var original = FeatureFrames.Random(3000, seed: 3);
        var days = original.Days;
        var installed = original.Label(Schema.InstallLabel).Values;
        var flipped = FeatureFrames.Random(3000, seed: 3, label: i => days[i] >= day ? 1 - installed[i] : installed[i]);
        var a = new FeaturePipeline(Config()).Fit(original);
        var b = new FeaturePipeline(Config()).Fit(flipped);
        var ma = a.Transform(original);
        var mb = b.Transform(flipped);
        var changedLater = false;
        foreach (var name in HistoryNames(a))
        {
            var ca = ma.Column(name);
            var cb = mb.Column(name);
            for (var r = 0; r < days.Length; r++)
            {
                if (days[r] <= day)
                {
                    Assert.True(ca[r].Equals(cb[r]), $"{name} of a row on day {days[r]} changed with the labels of day {day} onwards");
                }
                else if (!ca[r].Equals(cb[r]))
                {
                    changedLater = true;
                }
            }
        }
        Assert.True(changedLater, "the labels of day 55 reach no later row");
    }

    [Fact]
    public void Transform_EqualsANaiveCountOverEarlierDays()
    {
        var train = FeatureFrames.Random(2500, seed: 4);
        var test = FeatureFrames.Random(400, seed: 5, day: 67);
        var fitted = new FeaturePipeline(Config()).Fit(train);
        var f6 = Keys(train, "f_6");
        var f4 = Keys(train, "f_4");
        var installs = train.Label(Schema.InstallLabel).Values;
        var likes = Targets.Values(train, Targets.Like);
        foreach (var (frame, rows) in new[] { (train, new[] { 0, 1, 2, 17, 999, 2499 }), (test, new[] { 0, 5, 399 }) })
        {
            var matrix = fitted.Transform(frame);
            var keys = Keys(frame, "f_6");
            var keys4 = Keys(frame, "f_4");
            foreach (var r in rows)
            {
                var d = frame.Days[r];
                foreach (var (window, name) in new[] { (1, "1d"), (3, "3d"), (0, "all") })
                {
                    bool InWindow(int i) => train.Days[i] < d && (window == 0 || train.Days[i] >= d - window);
                    var same = Enumerable.Range(0, train.RowCount).Where(i => InWindow(i) && f6[i] == keys[r]).ToArray();
                    var all = Enumerable.Range(0, train.RowCount).Where(InWindow).ToArray();
                    Assert.Equal(same.Length, matrix.Column($"f_6_impressions_{name}")[r]);
                    Assert.Equal(same.Sum(i => likes[i]), matrix.Column($"f_6_likes_{name}")[r]);
                    Assert.Equal(same.Sum(i => installs[i]), matrix.Column($"f_6_installs_{name}")[r]);
                    var mu = all.Sum(i => installs[i]) / (double)all.Length;
                    Assert.Equal((float)((same.Sum(i => installs[i]) + 10 * mu) / (same.Length + 10)), matrix.Column($"f_6_install_rate_{name}")[r]);
                    var pair = Enumerable.Range(0, train.RowCount).Count(i => InWindow(i) && f6[i] == keys[r] && f4[i] == keys4[r]);
                    Assert.Equal(pair, matrix.Column($"f_4@f_6_impressions_{name}")[r]);
                }
                var earlier = Enumerable.Range(0, train.RowCount).Where(i => train.Days[i] < d && f6[i] == keys[r]).Select(i => train.Days[i]).ToArray();
                Assert.Equal(earlier.Length == 0 ? float.NaN : d - earlier.Min(), matrix.Column("f_6_days_since_first_seen")[r]);
                Assert.Equal(earlier.Length == 0 ? 1 : 0, matrix.Column("f_6_never_seen")[r]);
                var day = Enumerable.Range(0, frame.RowCount).Where(i => frame.Days[i] == d).ToArray();
                Assert.Equal((float)(day.Count(i => keys[i] == keys[r]) / (double)day.Length), matrix.Column("f_6_day_share")[r]);
            }
        }
    }

    [Fact]
    public void Transform_FirstLabelledDay_HasNoHistory()
    {
        var train = FeatureFrames.Random(1000, seed: 6);
        var matrix = new FeaturePipeline(Config()).Fit(train).Transform(train);
        var first = train.Days.Min();
        for (var r = 0; r < train.RowCount; r++)
        {
            if (train.Days[r] != first) { continue; }
            Assert.Equal(0, matrix.Column("f_6_impressions_all")[r]);
            Assert.True(float.IsNaN(matrix.Column("f_6_install_rate_all")[r]));
            Assert.Equal(1, matrix.Column("f_6_never_seen")[r]);
        }
    }

    [Fact]
    public void Merge_OfTwoShards_IsTheFitOfBoth()
    {
        var frame = FeatureFrames.Random(2000, seed: 8);
        var keys = Keys(frame, "f_6").Select(k => (long)k).ToArray();
        var likes = Targets.Values(frame, Targets.Like);
        var installs = frame.Label(Schema.InstallLabel).Values;
        var config = Config().History;
        FittedHistory Fit(Range range) => FittedHistory.Fit("f_6", config, keys[range], frame.Days[range], likes[range], installs[range]);
        var whole = Fit(..);
        var merged = FittedHistory.Merge(Fit(..700), Fit(700..));
        Assert.Equal(whole.Keys, merged.Keys);
        Assert.Equal(whole.EntryKey, merged.EntryKey);
        Assert.Equal(whole.EntryDay, merged.EntryDay);
        Assert.Equal(whole.Impressions, merged.Impressions);
        Assert.Equal(whole.Likes, merged.Likes);
        Assert.Equal(whole.Installs, merged.Installs);
        Assert.Equal((whole.FirstDay, whole.LastDay), (merged.FirstDay, merged.LastDay));
    }

    [Fact]
    public void Fit_OnTrainingRows_StillCountsEveryLabelledDay()
    {
        // The rest of the pipeline is fitted on the training rows; history reads the validation day too, so the
        // test day's one-day window is the validation day.
        var frame = FeatureFrames.Random(2000, seed: 9);
        var trainRows = Enumerable.Range(0, frame.RowCount).Where(i => frame.Days[i] < 66).ToArray();
        var fitted = new FeaturePipeline(Config()).Fit(frame, trainRows);
        var test = FeatureFrames.Random(200, seed: 10, day: 67);
        var matrix = fitted.Transform(test);
        var f6 = Keys(frame, "f_6");
        var testKeys = Keys(test, "f_6");
        var expected = Enumerable.Range(0, frame.RowCount).Count(i => frame.Days[i] == 66 && f6[i] == testKeys[0]);
        Assert.Equal(expected, matrix.Column("f_6_impressions_1d")[0]);
        Assert.True(expected > 0);
    }

    [Fact]
    public void JsonRoundTrip_GivesIdenticalOutput()
    {
        var train = FeatureFrames.Random(1500, seed: 11);
        var test = FeatureFrames.Random(300, seed: 12, day: 67);
        var fitted = new FeaturePipeline(Config()).Fit(train);
        var reloaded = FittedFeaturePipeline.FromJson(fitted.ToJson());
        Assert.Equal(fitted.FeatureNames, reloaded.FeatureNames);
        Assert.Equal(fitted.Transform(test).Data, reloaded.Transform(test).Data);
    }

    private static int[] Keys(Frame frame, string column)
    {
        var keys = new int[frame.RowCount];
        frame.Categorical(column).Decode(null, 0, keys.AsSpan());
        return keys;
    }
}
