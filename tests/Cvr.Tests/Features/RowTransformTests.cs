using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

public class RowTransformTests
{
    /// <summary>Fitted on training rows; the scored frame mixes seen categories, unseen ones and unseen pairs,
    /// and has blanks (f_13, f_68), so every lookup's fallback is reached.</summary>
    private static (FittedFeaturePipeline Pipeline, Frame Scored) Fitted(FeatureConfig config)
    {
        var train = FeatureFrames.Default(3000, seed: 5);
        var pipeline = new FeaturePipeline(config).Fit(train);
        var scored = FeatureFrames.Default(600, seed: 6, day: 67, novelty: i => (Novelty)(i % 3));
        return (pipeline, scored);
    }

    /// <summary>The default config; a selection of its features; a missing-value fill other than 0 (the default), so
    /// a missing value and a 0 differ.</summary>
    public static TheoryData<string> Configs => ["all", "selection", "fill"];

    [Theory]
    [MemberData(nameof(Configs))]
    public void Transform_EveryRow_EqualsTheBatchTransformBitForBit(string which)
    {
        var (pipeline, scored) = Fitted(which == "fill" ? FeatureConfig.Default with { MissingValue = -1 } : FeatureConfig.Default);
        if (which == "selection")
        {
            // Every other feature, so some blocks are kept partly and some not at all.
            pipeline = pipeline.Select(pipeline.AllFeatureNames.Where((_, i) => i % 2 == 0 || i % 5 == 0).ToArray());
        }
        var batch = pipeline.Transform(scored);
        var rows = pipeline.CreateRowTransform();
        Assert.Equal(batch.Columns, rows.Width);
        var raw = new RawRow(rows.Schema);
        var scratch = rows.CreateScratch();
        var features = new float[rows.Width];
        var unseen = 0;
        for (var r = 0; r < scored.RowCount; r++)
        {
            raw.CopyFrom(scored, r);
            rows.Transform(raw, scratch, features);
            for (var j = 0; j < features.Length; j++)
            {
                var expected = batch.Data[j * batch.Rows + r];
                if (BitConverter.SingleToInt32Bits(expected) != BitConverter.SingleToInt32Bits(features[j]))
                {
                    Assert.Fail($"row {r}, feature {batch.Names[j]}: per-row {features[j]:R}, batch {expected:R}");
                }
            }
            unseen += raw.Integer(rows.Schema.IndexOf("f_6")) >= FeatureFrames.UnseenBase ? 1 : 0;
        }
        Assert.Equal(200, unseen);
    }

    [Fact]
    public void Transform_AfterTheFirstRow_AllocatesNothing()
    {
        var (rows, raw, scratch, features) = FirstRowTransformed();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) { rows.Transform(raw, scratch, features); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Create_DayScopedGroupStatistics_IsRefusedNamingThem()
    {
        var config = FeatureConfig.Default with { GroupStatistics = FeatureConfig.Default.GroupStatistics with { Scope = StatisticsScope.Day } };
        var (pipeline, _) = Fitted(config);
        var e = Assert.Throws<ConfigurationException>(pipeline.CreateRowTransform);
        Assert.StartsWith("the fitted features include group statistics over each row's own day (scope \"day\"), which has no per-row form yet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HistorySameDayShare_IsRefusedNamingIt()
    {
        var config = FeatureConfig.Default with { History = new HistoryConfig { Keys = ["f_6", "f_4@f_6"], SameDay = true } };
        var (pipeline, _) = Fitted(config);
        var e = Assert.Throws<ConfigurationException>(pipeline.CreateRowTransform);
        Assert.StartsWith("the fitted features include history's same-day share (f_6, f_4@f_6; history.same_day), which has no per-row form yet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Transform_History_MatchesTheBatchForSeenAndNewKeys()
    {
        // The default config has history; here a pseudo-user key of three columns too, and scored rows on the last
        // labelled day and after it, so every window and both first-seen branches are reached.
        var config = FeatureConfig.Default with { History = FeatureConfig.Default.History with { Keys = [.. FeatureConfig.Default.History.Keys, "f_8@f_13@f_15"] } };
        var (pipeline, _) = Fitted(config);
        foreach (var day in new[] { 66, 67, 70 })
        {
            var scored = FeatureFrames.Default(300, seed: 7, day: day, novelty: i => (Novelty)(i % 3));
            var batch = pipeline.Transform(scored);
            var rows = pipeline.CreateRowTransform();
            var raw = new RawRow(rows.Schema);
            var scratch = rows.CreateScratch();
            var features = new float[rows.Width];
            var never = 0;
            for (var r = 0; r < scored.RowCount; r++)
            {
                raw.CopyFrom(scored, r);
                rows.Transform(raw, scratch, features);
                for (var j = 0; j < features.Length; j++)
                {
                    Assert.True(BitConverter.SingleToInt32Bits(batch.Column(j)[r]) == BitConverter.SingleToInt32Bits(features[j]), $"day {day}, row {r}, {batch.Names[j]}");
                }
                never += (int)batch.Column("f_6_never_seen")[r];
            }
            Assert.InRange(never, 1, scored.RowCount - 1);
        }
    }

    [Fact]
    public void Transform_WrongOutputWidth_Throws()
    {
        var (pipeline, _) = Fitted(FeatureConfig.Default);
        var rows = pipeline.CreateRowTransform();
        Assert.Throws<ArgumentException>(() => rows.Transform(new RawRow(rows.Schema), rows.CreateScratch(), new float[rows.Width + 1]));
    }

    [Fact]
    public void Transform_RowWithoutTheDay_ThrowsNamingItRatherThanReadingThePreviousRowsDay()
    {
        // A reused row: the first impression has its day; the second, after Clear, omits f_1.
        var (rows, raw, scratch, features) = FirstRowTransformed();
        raw.Clear();
        raw.SetInteger(rows.Schema.IndexOf("f_6"), 12);
        var e = Assert.Throws<ArgumentException>(() => rows.Transform(raw, scratch, features));
        Assert.Equal("the row has no f_1 (its day number, which every row needs, as in the data files) (Parameter 'row')", e.Message);
    }

    [Fact]
    public void Clear_AfterARow_LeavesTheStateOfANewRow()
    {
        var (pipeline, scored) = Fitted(FeatureConfig.Default);
        var schema = pipeline.CreateRowTransform().Schema;
        var raw = new RawRow(schema);
        raw.CopyFrom(scored, 0);
        raw.Clear();
        var fresh = new RawRow(schema);
        for (var c = 0; c < schema.Count; c++)
        {
            Assert.Equal((fresh.IsPresent(c), fresh.Integer(c), BitConverter.SingleToInt32Bits(fresh.Number(c))),
                (raw.IsPresent(c), raw.Integer(c), BitConverter.SingleToInt32Bits(raw.Number(c))));
        }
        Assert.Null(raw.RowId);
    }

    /// <summary>The default pipeline's row transform with the first scored row transformed once (its one-time costs paid).</summary>
    private static (RowTransform Rows, RawRow Raw, RowTransform.Scratch Scratch, float[] Features) FirstRowTransformed()
    {
        var (pipeline, scored) = Fitted(FeatureConfig.Default);
        var rows = pipeline.CreateRowTransform();
        var raw = new RawRow(rows.Schema);
        var scratch = rows.CreateScratch();
        var features = new float[rows.Width];
        raw.CopyFrom(scored, 0);
        rows.Transform(raw, scratch, features);
        return (rows, raw, scratch, features);
    }
}
