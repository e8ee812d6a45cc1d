using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>Crosses and group statistics as of the training row's day (<c>crosses_encoding</c>,
/// <c>group_statistics.encoding</c> <c>as_of</c>, <see cref="SeenBefore"/>): a training row on day d gets what the
/// training rows of days before d had; validation rows and the fitted pipeline are the full fit's.</summary>
public class SeenBeforeTests
{
    private const int ValidationDay = 66, FirstNewDay = 55;

    private static FeatureConfig Config(SeenEncoding encoding = SeenEncoding.AsOf) => FeatureConfig.Default with
    {
        CrossesEncoding = encoding,
        GroupStatistics = FeatureConfig.Default.GroupStatistics with { Encoding = encoding },
    };

    private static int[] TrainRows(Frame frame) => [.. Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] < ValidationDay)];

    /// <summary>The crosses' and group statistics' output columns.</summary>
    private static string[] KeyedColumns(FittedFeaturePipeline pipeline)
        => [.. pipeline.Crosses.Select(c => c.Name), .. pipeline.GroupStatistics.SelectMany(g => g.OutputNames)];

    /// <summary>Rows on day <paramref name="day"/> and later get new categories (every third row) or pairs never seen
    /// before (every third but one); every other value of the frame is as in the frame of no novelty.</summary>
    private static Frame Edited(int seed, int day, Func<int, bool>? keep = null)
    {
        var days = FeatureFrames.Default(3000, seed).Days;
        return FeatureFrames.Default(3000, seed, novelty: i => days[i] < day || (keep?.Invoke(i) ?? false) ? Novelty.Seen
            : (i % 3) switch { 1 => Novelty.Unseen, 2 => Novelty.UnseenPair, _ => Novelty.Seen });
    }

    /// <summary>A column's values with every cross code replaced by its rank among the codes of <paramref name="rows"/>
    /// (−1 kept): a seen pair keeps the full fit's code, whose number counts every training pair, so only its order
    /// among the earlier rows' pairs and whether it is unseen are as of the row's day.</summary>
    private static float[] Ranks(float[] values, int[] rows)
    {
        var order = rows.Select(i => values[i]).Where(v => v >= 0).Distinct().Order().Select((v, k) => (v, k)).ToDictionary(p => p.v, p => (float)p.k);
        return [.. rows.Select(i => values[i] < 0 ? values[i] : order[values[i]])];
    }

    [Theory]
    [InlineData(50)]
    [InlineData(58)]
    [InlineData(65)]
    public void FitForTraining_RowsOfADayAndLater_NeverReachAnEarlierRowOrAnUnchangedRowOfThatDay(int day)
    {
        // Day `day` and later get new categories and pairs, except the rows of that day kept as they were; those kept
        // rows and every earlier row must have the same values (their statistics read only earlier days).
        bool Kept(int i) => i % 2 == 0;
        var original = FeatureFrames.Default(3000, seed: 51);
        var edited = Edited(51, day, Kept);
        var rows = TrainRows(original);
        var checkedRows = Enumerable.Range(0, rows.Length).Where(i => original.Days[rows[i]] < day || (original.Days[rows[i]] == day && Kept(rows[i]))).ToArray();
        Assert.Contains(checkedRows, i => original.Days[rows[i]] == day);

        foreach (var encoding in new[] { SeenEncoding.AsOf, SeenEncoding.InSample })
        {
            var a = new FeaturePipeline(Config(encoding)).FitForTraining(original, rows);
            var b = new FeaturePipeline(Config(encoding)).FitForTraining(edited, TrainRows(edited));
            var (ma, mb) = (a.Transform(), b.Transform());
            var changed = 0;
            foreach (var name in KeyedColumns(a.Pipeline))
            {
                var isCross = a.Pipeline.Crosses.Any(c => c.Name == name);
                var (va, vb) = (ma.Column(name).ToArray(), mb.Column(name).ToArray());
                var (ca, cb) = isCross ? (Ranks(va, checkedRows), Ranks(vb, checkedRows)) : (checkedRows.Select(i => va[i]).ToArray(), checkedRows.Select(i => vb[i]).ToArray());
                if (encoding == SeenEncoding.AsOf) { Assert.Equal(ca, cb); }
                else if (!ca.SequenceEqual(cb)) { changed++; }
            }
            // In sample, the later rows reach the earlier ones' statistics: the check above is not vacuous.
            if (encoding == SeenEncoding.InSample) { Assert.True(changed > 0); }
        }
    }

    [Fact]
    public void FitForTraining_NewPairOrGroup_IsUnseenOnItsFirstDayAndSeenLater()
    {
        var frame = Edited(52, FirstNewDay);
        var rows = TrainRows(frame);
        var training = new FeaturePipeline(Config()).FitForTraining(frame, rows);
        var matrix = training.Transform();
        var full = training.Pipeline.Transform(frame, rows);
        var days = rows.Select(r => frame.Days[r]).ToArray();
        var f4 = Keys(frame, "f_4", rows);
        var f6 = Keys(frame, "f_6", rows);
        var f68 = full.Column("f_68").ToArray();
        var cross = matrix.Column("f_4@f_6").ToArray();
        var fullCross = full.Column("f_4@f_6").ToArray();
        var mean = matrix.Column("f_68_by_f_6_mean").ToArray();
        var std = matrix.Column("f_68_by_f_6_std").ToArray();
        var firstDay = days.Min();
        var (newOnFirstDay, newLater) = (0, 0);
        for (var i = 0; i < rows.Length; i++)
        {
            // Computed here from the earlier days' rows, one row at a time.
            var earlier = Enumerable.Range(0, rows.Length).Where(j => days[j] < days[i]).ToArray();
            var pairSeen = earlier.Any(j => f4[j] == f4[i] && f6[j] == f6[i]);
            Assert.Equal(pairSeen ? fullCross[i] : FittedCross.Unseen, cross[i]);
            var group = earlier.Where(j => f6[j] == f6[i]).ToArray();
            var over = group.Length > 0 ? group : earlier;
            var expected = over.Length == 0 ? double.NaN : over.Average(j => (double)f68[j]);
            Assert.True(float.IsNaN(mean[i]) ? double.IsNaN(expected) : Math.Abs(mean[i] - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)),
                $"row {i} of day {days[i]}: mean {mean[i]}, expected {expected}");
            if (days[i] == firstDay) { Assert.True(float.IsNaN(std[i])); }
            if (f6[i] >= FeatureFrames.UnseenBase)
            {
                if (group.Length == 0) { newOnFirstDay++; } else { newLater++; }
            }
        }
        // Both cases are reached: new groups on their first day, and the same groups on later days.
        Assert.True(newOnFirstDay > 10 && newLater > 10, $"{newOnFirstDay} new, {newLater} seen later");
        Assert.Contains(Enumerable.Range(0, rows.Length), i => days[i] > firstDay && cross[i] == FittedCross.Unseen && fullCross[i] != FittedCross.Unseen);
    }

    [Fact]
    public void FitForTraining_AsOf_FitsAndTransformsOtherRowsAsTheFullFit()
    {
        var frame = Edited(53, FirstNewDay);
        var rows = TrainRows(frame);
        var validation = Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] == ValidationDay).ToArray();
        var asOf = new FeaturePipeline(Config()).FitForTraining(frame, rows);
        var inSample = new FeaturePipeline(Config(SeenEncoding.InSample)).FitForTraining(frame, rows);

        Assert.Equal(inSample.Pipeline.ToJson(), (asOf.Pipeline with { Config = inSample.Pipeline.Config }).ToJson());
        Assert.Equal(inSample.Pipeline.Transform(frame, validation).Data, asOf.Pipeline.Transform(frame, validation).Data);
        // The default writes no new setting, so its bundles keep their bytes.
        Assert.DoesNotContain("encoding\":\"in_sample", inSample.Pipeline.ToJson());
        Assert.NotEqual(inSample.Transform().Data, asOf.Transform().Data);
    }

    private static int[] Keys(Frame frame, string column, int[] rows)
    {
        var keys = new int[rows.Length];
        frame.Categorical(column).Decode(rows, FeatureInputs.MissingKey, keys.AsSpan());
        return keys;
    }
}
