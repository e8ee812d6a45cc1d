using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>As-of target encoding (<c>target_encoding.encoding: as_of</c>): a training row on day d is encoded from the
/// training rows of earlier days only; validation rows with the full fit.</summary>
public class AsOfEncodingTests
{
    private const int ValidationDay = 66;

    /// <summary>Every default step (history included), encodings as of the row's day, N_min small enough that the
    /// encodings are not all the prior's.</summary>
    private static FeatureConfig Config(TargetEncodingMode mode = TargetEncodingMode.AsOf, BetaPriorRule prior = BetaPriorRule.Paper) => FeatureConfig.Default with
    {
        TargetEncoding = FeatureConfig.Default.TargetEncoding with { Encoding = mode, MinCount = 20, Prior = prior },
    };

    private static int[] TrainRows(Frame frame) => [.. Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] < ValidationDay)];

    private static void Flip(Frame frame, int day)
    {
        foreach (var label in new[] { Schema.InstallLabel, Schema.ClickLabel })
        {
            var values = frame.Label(label).Values;
            for (var r = 0; r < frame.RowCount; r++)
            {
                if (frame.Days[r] == day) { values[r] = (byte)(1 - values[r]); }
            }
        }
    }

    /// <summary>The training rows' features (in the order of <see cref="TrainRows"/>) and the validation day's.</summary>
    private static (FeatureMatrix Training, FeatureMatrix Validation) Features(Frame frame, FeatureConfig config)
    {
        var training = new FeaturePipeline(config).FitForTraining(frame, TrainRows(frame));
        var validation = training.Pipeline.Transform(frame, [.. Enumerable.Range(0, frame.RowCount).Where(r => frame.Days[r] == ValidationDay)]);
        return (training.Transform(), validation);
    }

    /// <summary>Each row (of <paramref name="rows"/>' frame rows, in matrix order) whose features differ between two matrices.</summary>
    private static IEnumerable<int> Changed(FeatureMatrix a, FeatureMatrix b, int[] rows)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            for (var j = 0; j < a.Columns; j++)
            {
                if (!a.Column(j)[i].Equals(b.Column(j)[i])) { yield return rows[i]; break; }
            }
        }
    }

    [Theory]
    [InlineData(45)]
    [InlineData(52)]
    [InlineData(65)]
    public void FitForTraining_ADaysLabels_NeverReachAFeatureOfThatDayOrEarlier(int day)
    {
        var original = FeatureFrames.Default(3000, seed: 41);
        var edited = FeatureFrames.Default(3000, seed: 41);
        Flip(edited, day);

        var (a, _) = Features(original, Config());
        var (b, _) = Features(edited, Config());

        var rows = TrainRows(original);
        var changed = Changed(a, b, rows).ToArray();
        Assert.All(changed, r => Assert.True(original.Days[r] > day, $"row {r} of day {original.Days[r]} changed with day {day}'s labels"));
        // The labels did reach the later days' rows (history, encodings): the check above is not vacuous.
        if (day < 65) { Assert.NotEmpty(changed); }
    }

    [Fact]
    public void FitForTraining_ValidationDayLabels_NeverReachTrainingOrValidationFeatures()
    {
        var original = FeatureFrames.Default(3000, seed: 42);
        var edited = FeatureFrames.Default(3000, seed: 42);
        Flip(edited, ValidationDay);

        var (trainA, validA) = Features(original, Config());
        var (trainB, validB) = Features(edited, Config());

        Assert.Equal(trainA.Data, trainB.Data);
        Assert.Equal(validA.Data, validB.Data);
    }

    [Fact]
    public void FitForTraining_OutOfFold_LaterLabelsReachEarlierRows()
    {
        // Why as_of exists: out of fold, a row's encoding comes from every other fold's rows, later days included.
        var original = FeatureFrames.Default(3000, seed: 41);
        var edited = FeatureFrames.Default(3000, seed: 41);
        Flip(edited, 60);

        var (a, _) = Features(original, Config(TargetEncodingMode.OutOfFold));
        var (b, _) = Features(edited, Config(TargetEncodingMode.OutOfFold));

        Assert.Contains(Changed(a, b, TrainRows(original)), r => original.Days[r] < 60);
    }

    [Theory]
    [InlineData(BetaPriorRule.Paper)]
    [InlineData(BetaPriorRule.Authors)]
    public void FitForTraining_FirstDay_GetsThePriorOfAFitOnNoRows(BetaPriorRule prior)
    {
        var frame = FeatureFrames.Default(3000, seed: 43);
        var config = Config(prior: prior);
        var training = new FeaturePipeline(config).FitForTraining(frame, TrainRows(frame));
        var matrix = training.Transform();
        var rows = TrainRows(frame);
        var first = rows.Min(r => frame.Days[r]);
        var onFirst = Enumerable.Range(0, rows.Length).Where(i => frame.Days[rows[i]] == first).ToArray();
        Assert.NotEmpty(onFirst);
        foreach (var encoder in training.Pipeline.Encoders)
        {
            // What a category no fitting row had gets from a fit on no rows: the prior alone.
            var empty = FittedBetaEncoder.Fit(encoder.Column, encoder.Target, config.TargetEncoding, [], []).Table();
            var names = encoder.OutputNames.ToArray();
            for (var s = 0; s < names.Length; s++)
            {
                var column = matrix.Column(names[s]).ToArray();
                Assert.All(onFirst, i => Assert.Equal(empty[0, s], column[i]));
            }
            // Under the paper's prior there is no earlier rate to shrink to: missing, as history's rates on that day.
            if (prior == BetaPriorRule.Paper) { Assert.True(float.IsNaN(empty[0, 0])); }
            else { Assert.False(float.IsNaN(empty[0, 0])); }
        }
    }

    [Fact]
    public void FitForTraining_AsOf_EqualsANaiveCountOverEarlierDays()
    {
        var frame = FeatureFrames.Random(3000, seed: 44);
        var config = new FeatureConfig
        {
            Crosses = [],
            GroupStatistics = new GroupStatisticsConfig { Pairs = [] },
            TargetEncoding = new TargetEncodingConfig { Columns = ["f_6"], MinCount = 0, Encoding = TargetEncodingMode.AsOf },
            History = new HistoryConfig { Keys = [] },
        };
        var matrix = new FeaturePipeline(config).FitForTraining(frame).Transform();
        var keys = new int[frame.RowCount];
        frame.Categorical("f_6").Decode(null, 0, keys.AsSpan());
        var installed = frame.Label(Schema.InstallLabel).Values;
        var all = (double)frame.RowCount;
        var day46 = Array.FindIndex(frame.Days, d => d == 46);
        var day66 = Array.FindIndex(frame.Days, d => d == 66);
        // The first day's rows get the prior of no rows (the test above).
        foreach (var r in new[] { 0, 1, 2, 100, 2999, day46, day66 }.Where(r => frame.Days[r] > 45))
        {
            // Computed here from the rows of earlier days, scaled to all rows (the mean is a ratio, so only the prior
            // size matters): (μ·N_all + n·s) / (N_all + N·s) with s = N_all / (rows before the day).
            var earlier = Enumerable.Range(0, frame.RowCount).Where(i => frame.Days[i] < frame.Days[r]).ToArray();
            var scale = all / earlier.Length;
            var mu = earlier.Sum(i => (double)installed[i]) / earlier.Length;
            var same = earlier.Where(i => keys[i] == keys[r]).ToArray();
            var expected = (mu * all + same.Sum(i => (double)installed[i]) * scale) / (all + same.Length * scale);
            Assert.Equal((float)expected, matrix.Column("te_is_installed_f_6_mean")[r], 1e-6f);
        }
    }
}
