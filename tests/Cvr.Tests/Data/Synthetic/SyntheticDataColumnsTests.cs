namespace Cvr.Tests.Data.Synthetic;

/// <summary>Column-level facts of data-format.md on the shared generated data set.</summary>
public sealed class SyntheticDataColumnsTests(GeneratedData data) : IClassFixture<GeneratedData>
{
    private IEnumerable<string[]> TrainRows => data.Train.Select(r => r.Fields);

    private HashSet<string> Values(IEnumerable<string[]> rows, int column) => rows.Select(f => f[column]).ToHashSet();

    [Fact]
    public void Generate_SmallScale_FixedColumnsFollowTheRealData()
    {
        Assert.Equal(["27941"], Values(TrainRows.Concat(data.Test), 7));
        Assert.Contains("16234", Values(TrainRows, 23));
        Assert.DoesNotContain("16234", Values(data.Test, 23));
        Assert.Equal(7, Values(TrainRows, 9).Count);
        Assert.Equal(2, Values(data.Test, 9).Count);
        Assert.Equal(24, Values(TrainRows, 11).Count);
        Assert.Equal(2, Values(data.Test, 16).Except(Values(TrainRows, 16)).Count());
        Assert.Subset(new HashSet<string> { "0", "1", "2", "3" }, Values(TrainRows, 32));
        double zero23 = TrainRows.Count(f => f[23] == "0") / (double)data.Train.Count;
        Assert.InRange(zero23, 0.92, 0.95);
        for (int c = 26; c <= 29; c++)
            Assert.True(TrainRows.Count(f => f[c] != "0") < data.Train.Count * 0.002, $"f_{c} should be almost always 0");
        for (int c = 2; c <= 32; c++)
            Assert.All(Values(TrainRows, c).Where(v => v != ""), v => Assert.InRange(int.Parse(v), 0, 32767));
    }

    [Fact]
    public void Generate_SmallScale_AdAttributesAreConsistentWithinAnAd()
    {
        var byAd = TrainRows.GroupBy(f => f[6]).ToList();
        foreach (int c in new[] { 2, 3, 19, 20, 21, 22 })
            Assert.All(byAd, g => Assert.Single(g.Select(f => f[c]).Distinct()));
        double singleApp = byAd.Count(g => g.Select(f => f[4]).Distinct().Count() == 1) / (double)byAd.Count;
        Assert.InRange(singleApp, 0.7, 0.97);
    }

    [Fact]
    public void Generate_SmallScale_AboutAThirdOfTestRowsOnAdsUnseenInTrain()
    {
        var trainAds = Values(TrainRows, 6);
        double unseen = data.Test.Count(f => !trainAds.Contains(f[6])) / (double)data.Test.Count;
        Assert.InRange(unseen, 0.22, 0.40);
        // Ads churn: a day sees far fewer ads than the whole period.
        double perDay = TrainRows.GroupBy(f => f[1]).Average(g => g.Select(f => f[6]).Distinct().Count());
        Assert.True(perDay < 0.6 * trainAds.Count, $"{perDay} ads per day of {trainAds.Count}");
    }

    [Fact]
    public void Generate_SmallScale_F64TailOnlyInTrain()
    {
        double tail = TrainRows.Count(f => f[64] != "" && GeneratedData.D(f[64]) > 3e8) / (double)data.Train.Count;
        Assert.InRange(tail, 0.01, 0.045);
        Assert.DoesNotContain(data.Test, f => f[64] != "" && GeneratedData.D(f[64]) > 3e8);
    }

    [Fact]
    public void Generate_SmallScale_DuplicatesExistWithSomeLabelConflicts()
    {
        // Same features ignoring the row id and is_clicked (the paper's Table 3).
        var groups = TrainRows.GroupBy(f => string.Join('\t', f[1..80])).Where(g => g.Count() > 1).ToList();
        int duplicates = groups.Sum(g => g.Count() - 1);
        int conflicts = groups.Count(g => g.Select(f => f[81]).Distinct().Count() > 1);
        double expected = 20017 * GeneratedData.Scale;
        Assert.InRange(duplicates, 0.7 * expected, 1.3 * expected);
        Assert.InRange(conflicts, 1, duplicates / 4);
    }
}
