using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

public class StudyTests
{
    private static Study NewStudy(StudyDirection direction = StudyDirection.Minimize) =>
        Study.Create(new StudyOptions { Direction = direction, Sampler = new RandomSampler(4), Pruner = new NopPruner() });

    [Theory]
    [InlineData(StudyDirection.Minimize, 1)]
    [InlineData(StudyDirection.Maximize, 2)]
    public void BestTrial_ByDirection_IsTheBestCompleteTrial(StudyDirection direction, int expectedNumber)
    {
        var study = NewStudy(direction);
        study.Optimize(t => new[] { 0.5, 0.1, 0.9, 0.3 }[t.Number], 4);
        var failed = study.Ask();
        study.TellFailed(failed, "boom");
        Assert.Equal(expectedNumber, study.BestTrial!.Number);
    }

    [Fact]
    public void BestTrial_NoCompleteTrial_IsNull()
    {
        var study = NewStudy();
        study.TellPruned(study.Ask());
        Assert.Null(study.BestTrial);
    }

    [Fact]
    public void Tell_NaN_FailsTheTrial()
    {
        var study = NewStudy();
        var record = study.Tell(study.Ask(), double.NaN);
        Assert.Equal(TrialState.Failed, record.State);
        Assert.Null(record.Value);
        Assert.Equal("the objective returned NaN", record.FailReason);
    }

    [Fact]
    public void Optimize_ObjectiveThrows_RecordsFailureRethrowsAndNumberingContinues()
    {
        var study = NewStudy();
        var e = Assert.Throws<InvalidOperationException>(() => study.Optimize(_ => throw new InvalidOperationException("diverged"), 3));
        Assert.Equal("diverged", e.Message);
        Assert.Equal(TrialState.Failed, study.Trials[0].State);
        Assert.Equal("diverged", study.Trials[0].FailReason);
        study.Optimize(t => t.SuggestFloat("x", 0, 1), 2);
        Assert.Equal([0, 1, 2], study.Trials.Select(t => t.Number));
    }

    [Fact]
    public void Optimize_ObjectiveThrowsPruned_RecordsPrunedAndGoesOn()
    {
        var study = NewStudy();
        study.Optimize(t => t.Number % 2 == 0 ? throw new TrialPrunedException() : 1.0, 4);
        Assert.Equal([TrialState.Pruned, TrialState.Complete, TrialState.Pruned, TrialState.Complete], study.Trials.Select(t => t.State));
    }

    [Fact]
    public void Trials_WhileRunning_ShowTheRunningTrial()
    {
        var study = NewStudy();
        var trial = study.Ask();
        trial.SetUserAttribute("fold", 3);
        Assert.Equal(TrialState.Running, Assert.Single(study.Trials).State);
        var record = study.Tell(trial, 0.25);
        Assert.Equal(3, record.UserAttributes["fold"].GetInt32());
        Assert.NotNull(record.End);
        Assert.Equal(0.25, study.Trials[0].Value);
    }

    [Fact]
    public void Tell_TrialOfAnotherStudy_Throws()
    {
        var trial = NewStudy().Ask();
        Assert.Throws<InvalidOperationException>(() => NewStudy().Tell(trial, 1));
    }
}
