using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class ProgressReporterTests
{
    [LightGbmFact]
    public void AfterIteration_EveryIteration_ReportsProgress()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        var reports = new List<TrainingProgress>();
        var result = Trainer.Train(TestData.Binary, train, 5, [("valid", valid)], [new ProgressReporter(new SyncProgress(reports.Add))]);
        result.Booster.Dispose();
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(5, r.IterationCount));
        Assert.All(reports, r => Assert.Equal(2, r.Evaluations.Count));
    }
}
