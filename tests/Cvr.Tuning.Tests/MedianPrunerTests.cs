using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

/// <summary>The median rule on hand-made histories: complete trials report the given values at steps 0, 1, 2, ...</summary>
public class MedianPrunerTests
{
    private static Study StudyWith(Pruner pruner, StudyDirection direction, params double[][] completeReports)
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(), Pruner = pruner, Direction = direction });
        foreach (var reports in completeReports)
        {
            var trial = study.Ask();
            for (int step = 0; step < reports.Length; step++)
            {
                trial.Report(step, reports[step]);
            }
            study.Tell(trial, reports[^1]);
        }
        return study;
    }

    // Five complete trials; at every step the median of their values is 2.
    private static readonly double[][] s_five = [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]];

    [Theory]
    [InlineData(2.5, true)]
    [InlineData(2.0, false)]
    [InlineData(1.5, false)]
    public void ShouldPrune_Minimize_WhenWorseThanTheMedian(double reported, bool expected)
    {
        var trial = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five).Ask();
        trial.Report(0, reported);
        Assert.Equal(expected, trial.ShouldPrune());
    }

    [Theory]
    [InlineData(1.5, true)]
    [InlineData(2.5, false)]
    public void ShouldPrune_Maximize_WhenBelowTheMedian(double reported, bool expected)
    {
        var trial = StudyWith(new MedianPruner(), StudyDirection.Maximize, s_five).Ask();
        trial.Report(0, reported);
        Assert.Equal(expected, trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_FewerThanFiveComplete_NeverPrunes()
    {
        var trial = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five[..4]).Ask();
        trial.Report(0, 100);
        Assert.False(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_NothingReported_DoesNotPrune() =>
        Assert.False(StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five).Ask().ShouldPrune());

    [Fact]
    public void ShouldPrune_BestValueSoFar_IsWhatCounts()
    {
        // Optuna compares the trial's best intermediate value, not its latest one.
        var trial = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five).Ask();
        trial.Report(0, 0.5);
        trial.Report(1, 9);
        Assert.False(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_WarmupSteps_DelayPruning()
    {
        var trial = StudyWith(new MedianPruner(warmupSteps: 2), StudyDirection.Minimize, s_five).Ask();
        trial.Report(0, 9);
        Assert.False(trial.ShouldPrune());
        trial.Report(1, 9);
        Assert.False(trial.ShouldPrune());
        trial.Report(2, 9);
        Assert.True(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_IntervalSteps_OnlyTheFirstReportPerInterval()
    {
        var trial = StudyWith(new MedianPruner(intervalSteps: 2), StudyDirection.Minimize, s_five).Ask();
        trial.Report(0, 9);
        Assert.True(trial.ShouldPrune());
        trial.Report(1, 9);
        Assert.False(trial.ShouldPrune());
        trial.Report(2, 9);
        Assert.True(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_OnlyNaNReported_Prunes()
    {
        var trial = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five).Ask();
        trial.Report(0, double.NaN);
        Assert.True(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_StepNoCompleteTrialReached_DoesNotPrune()
    {
        var trial = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five).Ask();
        trial.Report(5, 100);
        Assert.False(trial.ShouldPrune());
    }

    [Fact]
    public void ShouldPrune_PrunedTrials_DoNotCountTowardsTheMedian()
    {
        var study = StudyWith(new MedianPruner(), StudyDirection.Minimize, s_five);
        for (int i = 0; i < 5; i++)
        {
            var bad = study.Ask();
            bad.Report(0, 50);
            study.TellPruned(bad);
        }
        var trial = study.Ask();
        trial.Report(0, 2.5);
        Assert.True(trial.ShouldPrune());
    }

    [Theory]
    [InlineData(new[] { 1.0, 2, 3, 4 }, 50, 2.5)]
    [InlineData(new[] { 4.0, 1, double.NaN, 3 }, 50, 3)]
    [InlineData(new[] { 1.0, 2, 3, 4, 5 }, 25, 2)]
    [InlineData(new[] { 1.0, 2 }, 10, 1.1)]
    public void NanPercentile_LikeNumpy_InterpolatesLinearlyAndSkipsNaN(double[] values, double percentile, double expected) =>
        Assert.Equal(expected, PercentilePruner.NanPercentile(values, percentile), 12);

    [Fact]
    public void Defaults_AreOptunas()
    {
        var pruner = new MedianPruner();
        Assert.Equal((5, 0, 1), (pruner.StartupTrials, pruner.WarmupSteps, pruner.IntervalSteps));
    }
}
