using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class TrainerTests
{
    [LightGbmFact]
    public void Train_NoCallbacks_RunsPlannedIterationsAndRecordsHistory()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        var result = Trainer.Train(TestData.Binary, train, 12, [("valid", valid)]);
        using var booster = result.Booster;
        Assert.Equal(12, result.IterationsRun);
        Assert.Equal(12, result.BestIteration);
        Assert.Equal(Trainer.CompletedReason, result.StopReason);
        Assert.Equal(12, result.History.Count);
        Assert.Equal(["auc", "binary_logloss"], result.History[0].Results.Select(r => r.MetricName));
        Assert.Equal(12, booster.CurrentIteration);
    }

    [LightGbmFact]
    public void Train_CancelledToken_Throws()
    {
        using var train = TrainingData.Train.ToDataset();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(TestData.Binary, train, 10, cancellationToken: cancellation.Token));
    }
}
