using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class EvaluationLoggerTests
{
    [LightGbmFact]
    public void AfterIteration_Period_LogsEveryPeriodIteration()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        var logger = new ListLogger();
        var result = Trainer.Train(TestData.Binary, train, 10, [("valid", valid)], [new EvaluationLogger(logger, period: 4)]);
        result.Booster.Dispose();
        Assert.Equal(2, logger.Messages.Count);
        Assert.StartsWith("[4] valid auc: ", logger.Messages[0], StringComparison.Ordinal);
        Assert.StartsWith("[8] ", logger.Messages[1], StringComparison.Ordinal);
    }
}
