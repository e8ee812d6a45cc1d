using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>The rolling-origin backtest: a fold never reads the labels of the day it scores or of any later day.</summary>
[Trait("Category", "LightGbm")]
public class BacktestTests(ModelInputsTests.Data data) : IClassFixture<ModelInputsTests.Data>
{
    private static readonly TrainingOptions Options = new() { MaxRounds = 30, EarlyStoppingRounds = 10, Threads = 1, Baseline = false };

    [Fact]
    public void Fold_LabelsOfTheScoredDayAndLater_ChangeNoPrediction()
    {
        var labelled = data.Train();
        var day = Backtest.ScorableDays(labelled)[^2]; // a day with a later one, so "later" is tested too
        var flipped = data.Train();
        foreach (var label in new[] { Schema.InstallLabel, Schema.ClickLabel })
        {
            var values = flipped.Label(label).Values;
            for (var i = 0; i < values.Length; i++) { if (flipped.Days[i] >= day) { values[i] ^= 1; } }
        }
        double[] Predict(Frame frame)
        {
            var (train, scored, _) = Backtest.Cut(frame, day);
            Assert.True(train.Days.Max() < day);
            Assert.True(scored.Days.All(d => d == day) && !scored.HasLabels);
            using var system = Backtest.TrainFold(train, scored, Options, NullLogger.Instance, CancellationToken.None);
            return system.Score(scored).Ensemble;
        }

        Assert.Equal(Predict(labelled), Predict(flipped)); // exact: xUnit compares the doubles bit for bit
    }

    [Fact]
    public void Fold_LabelsOfAnEarlierDay_ChangePredictions()
    {
        // The other side of the leak test: the fold does read the days before the scored one.
        var labelled = data.Train();
        var day = Backtest.ScorableDays(labelled)[^1];
        var edited = data.Train();
        var values = edited.Label(Schema.InstallLabel).Values;
        for (var i = 0; i < values.Length; i++) { if (edited.Days[i] == day - 2) { values[i] ^= 1; } }
        double[] Predict(Frame frame)
        {
            var (train, scored, _) = Backtest.Cut(frame, day);
            using var system = Backtest.TrainFold(train, scored, Options, NullLogger.Instance, CancellationToken.None);
            return system.Score(scored).Ensemble;
        }

        Assert.NotEqual(Predict(labelled), Predict(edited));
    }

    [Fact]
    public void Run_TwoVariants_PairsTheirDays()
    {
        var labelled = data.Train();
        var days = Backtest.ScorableDays(labelled)[^2..];
        var report = Backtest.Run(labelled, days, [new("base", Options), new("refit", Options with { Refit = true })], null, NullLogger.Instance, CancellationToken.None);

        Assert.Equal(days, report.Days);
        var base_ = report.Variants["base"];
        var refit = report.Variants["refit"];
        Assert.Equal(days, base_.Select(f => f.Day));
        Assert.Equal(base_.Select(f => f.TrainingRows), refit.Select(f => f.TrainingRows));
        Assert.Equal(labelled.Days.Count(d => d < days[0]), base_[0].TrainingRows);
        var all = report.Differences.Single(d => d.Rows == "all");
        Assert.Equal(base_.Zip(refit, (b, r) => r.LogLoss - b.LogLoss), all.PerDay);
        Assert.Equal(all.PerDay.Average(), all.Mean, 15);
        Assert.NotNull(all.StandardError);
    }

    [Fact]
    public void Run_DayWithoutTwoEarlierDays_IsRefusedNamingTheScorableRange()
    {
        var labelled = data.Train();
        var first = labelled.Days.Min();
        var e = Assert.Throws<ConfigurationException>(() =>
            Backtest.Run(labelled, [first + 1], [new("base", Options)], null, NullLogger.Instance, CancellationToken.None));
        Assert.Contains($"day {first + 1} can't be scored", e.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigurationException>(() =>
            Backtest.Run(labelled, [labelled.Days.Max()], [new("base", Options with { ValidationDay = 60 })], null, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public void PairedDifference_StandardError_IsTheDaysSpreadOverRootDays()
    {
        var d = PairedDifference.Of("b", "a", "all", [0.001, 0.003, 0.002]);
        Assert.Equal(0.002, d.Mean, 15);
        Assert.Equal(0.001 / Math.Sqrt(3), d.StandardError!.Value, 15);
        Assert.Null(PairedDifference.Of("b", "a", "all", [0.001]).StandardError);
    }
}
