using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class TimeBudgetTests
{
    [LightGbmFact]
    public void AfterIteration_TinyBudget_StopsBeforePlannedIterations()
    {
        using var train = TrainingData.Train.ToDataset();
        var result = Trainer.Train(TestData.Binary, train, 100_000, callbacks: [new TimeBudget(TimeSpan.FromMilliseconds(200))]);
        using var booster = result.Booster;
        Assert.StartsWith("time budget", result.StopReason, StringComparison.Ordinal);
        Assert.InRange(result.IterationsRun, 1, 99_999);
    }
}
