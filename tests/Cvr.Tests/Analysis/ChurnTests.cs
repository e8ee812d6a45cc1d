using Cvr.Analysis;
using Cvr.Data;

namespace Cvr.Tests.Analysis;

public class ChurnTests
{
    // Labelled days (f_6 | is_installed), null = missing:
    //   45: 1,1,2        | 0,1,0    → first day: all new (3 of 3), ads 1 and 2 new; install rate on new 1/3
    //   46: 1,3,3,null   | 1,0,1,0  → new: 3,3 = 2 of the 3 rows with a value; ad 3 new; install new 1/2, seen 1/1
    //   47: 2,4,1,5      | 0,1,0,0  → validation day; new: 4,5 = 2 of 4; ads 4, 5 new; install new 1/2, seen 0/2
    // Test day 48: 4,6,6,7,null,1     → unseen in training: 6,6,7 = 3 of the 5 rows with a value, ads 6 and 7.
    // f_2 (apps) is 9 on every row: new on the first day only.
    // The test frame's codes differ from the train frame's (its levels are 1,4,6,7): value 4 is code 1 in the test
    // frame but code 1 is value 2 in the train frame, so comparing codes instead of values would miscount.
    private static (Frame Train, Frame Test) Frames()
    {
        var train = new TestFrameBuilder([45, 45, 45, 46, 46, 46, 46, 47, 47, 47, 47])
            .Categorical("f_2", 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9)
            .Categorical("f_6", 1, 1, 2, 1, 3, 3, null, 2, 4, 1, 5)
            .Labels([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [0, 1, 0, 1, 0, 1, 0, 0, 1, 0, 0])
            .Build();
        var test = new TestFrameBuilder([48, 48, 48, 48, 48, 48])
            .Categorical("f_2", 9, 9, 9, 9, 9, 9)
            .Categorical("f_6", 4, 6, 6, 7, null, 1)
            .Build();
        return (train, test);
    }

    private static EntityChurn Ads(Frame train, Frame? test)
        => Churn.Build(SplitLayout.Of(train, test), new AnalysisOptions().ChurnEntities, new ParallelOptions()).Entities.Single(e => e.Entity == "ads");

    [Fact]
    public void Build_HandBuiltFrame_ExactNewSharesEntitiesAndInstallRatesPerDay()
    {
        var (train, test) = Frames();
        var ads = Ads(train, test);
        Assert.Equal("f_6", ads.Column);
        Assert.Equal([45, 46, 47, 48], ads.Days.Select(d => d.Day));
        Assert.Equal(["train", "train", "validation", "test"], ads.Days.Select(d => d.Split));
        Assert.Equal([3L, 4L, 4L, 6L], ads.Days.Select(d => d.Rows));
        Assert.Equal([3L, 2L, 2L, 3L], ads.Days.Select(d => d.NewRows));
        Assert.Equal([2, 2, 4, 4], ads.Days.Select(d => d.Entities));
        Assert.Equal([2, 1, 2, 2], ads.Days.Select(d => d.NewEntities));
        var day46 = ads.Days[1];
        Assert.Equal(2 / 3.0, day46.NewShare!.Value, 12);
        Assert.Equal((0.5, 1.0), (day46.NewInstallRate!.Value, day46.SeenInstallRate!.Value));
        var day47 = ads.Days[2];
        Assert.Equal(0.5, day47.NewShare!.Value, 12);
        Assert.Equal((0.5, 0.0), (day47.NewInstallRate!.Value, day47.SeenInstallRate!.Value));
        Assert.Equal([2 / 3.0, 0.5], ads.LabelledDaysAfterTheFirst().Select(d => d.NewShare!.Value));
        // Days 46 and 47 pooled: new 2 installs of 4 rows, seen 1 of 3 (day 45 has no earlier day, the test no labels).
        var (pooledNew, pooledSeen) = ads.PooledInstallRates();
        Assert.Equal(0.5, pooledNew!.Value, 12);
        Assert.Equal(1 / 3.0, pooledSeen!.Value, 12);

        var apps = Churn.Build(SplitLayout.Of(train, test), new AnalysisOptions().ChurnEntities, new ParallelOptions()).Entities.Single(e => e.Entity == "apps");
        Assert.Equal([1.0, 0.0, 0.0, 0.0], apps.Days.Select(d => d.NewShare!.Value));
        Assert.Equal(0.0, apps.TestUnseenShare);
    }

    [Fact]
    public void Build_FirstDay_IsAllNewAndMarkedAsHavingNoEarlierDay()
    {
        var (train, test) = Frames();
        var days = Ads(train, test).Days;
        Assert.Equal([true, false, false, false], days.Select(d => d.NoEarlierDay));
        Assert.Equal(1.0, days[0].NewShare);
        Assert.Equal(1 / 3.0, days[0].NewInstallRate!.Value, 12);
        Assert.Null(days[0].SeenInstallRate);
        var html = HtmlReport.Render(new AnalysisResult(DataAnalyzer.Analyze("churn", train, test, new AnalysisOptions { RenderCharts = false }).Report,
            new Dictionary<string, byte[]>()));
        Assert.Contains("100.0 % (no earlier day)", html);
    }

    [Fact]
    public void Build_TestDay_SharesOfRowsOnAdsUnseenInTraining()
    {
        var (train, test) = Frames();
        var ads = Ads(train, test);
        Assert.Equal(0.6, ads.TestUnseenShare!.Value, 12);
        Assert.Equal((3L, 2), (ads.TestUnseenRows!.Value, ads.TestUnseenEntities!.Value));
        var testDay = ads.Days[^1];
        Assert.Equal(0.6, testDay.NewShare!.Value, 12);
        Assert.Null(testDay.NewInstallRate);
        Assert.Null(testDay.SeenInstallRate);

        var withoutTest = Ads(train, null);
        Assert.Null(withoutTest.TestUnseenShare);
        Assert.DoesNotContain(withoutTest.Days, d => d.Split == "test");
    }

    [Fact]
    public void Build_MissingValues_CountedApartAndLeftOutOfSharesAndEntities()
    {
        var (train, test) = Frames();
        var ads = Ads(train, test);
        Assert.Equal([0L, 1L, 0L, 1L], ads.Days.Select(d => d.Missing));
        // Day 46: 2 new of the 3 rows with a value (not of 4); the missing row is no entity (2 distinct, not 3).
        Assert.Equal((2 / 3.0, 2), (ads.Days[1].NewShare!.Value, ads.Days[1].Entities));
        Assert.Contains("missing value belong to no entity", Churn.Definition, StringComparison.Ordinal);

        var allMissing = new TestFrameBuilder([45, 46, 46]).Categorical("f_6", 1, null, null).Build();
        var day46 = Ads(allMissing, null).Days[1];
        Assert.Equal((2L, 2L, 0), (day46.Rows, day46.Missing, day46.Entities));
        Assert.Null(day46.NewShare);
    }

    [Fact]
    public void Analyze_ConfiguredColumns_AreUsedAndAMissingOneIsLeftOutWithAReason()
    {
        var (train, test) = Frames();
        var options = new AnalysisOptions { RenderCharts = false, ChurnEntities = [new("ad groups", "f_2"), new("creatives", "f_99")] };
        var r = DataAnalyzer.Analyze("configured", train, test, options).Report;
        var entity = Assert.Single(r.Churn.Entities);
        Assert.Equal(("ad groups", "f_2"), (entity.Entity, entity.Column));
        Assert.Contains("entity churn: no categorical column f_99 for creatives, so their churn is left out", r.LeftOut);
        Assert.Contains(r.Timings, t => t.Section == "entity churn");
    }

    [Fact]
    public void Analyze_OneDay_ChurnHasNoEarlierDayAndSaysSo()
    {
        var frame = new TestFrameBuilder([45, 45, 45]).Categorical("f_6", 1, 2, 2).Build();
        var result = DataAnalyzer.Analyze("one day", frame, null, new AnalysisOptions());
        var ads = result.Report.Churn.Entities.Single(e => e.Entity == "ads");
        Assert.True(Assert.Single(ads.Days).NoEarlierDay);
        Assert.Empty(ads.LabelledDaysAfterTheFirst());
        Assert.Contains(result.Report.LeftOut, n => n.StartsWith("validation split", StringComparison.Ordinal) && n.Contains("entity churn has no earlier day", StringComparison.Ordinal));
        Assert.False(result.Charts.ContainsKey(Charts.ChurnId));
    }
}
