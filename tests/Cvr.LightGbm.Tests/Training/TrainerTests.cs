using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class TrainerTests
{
    private static readonly TestData s_train = TestData.Create(2000, 8, seed: 7);
    private static readonly TestData s_valid = TestData.Create(600, 8, seed: 8);

    [LightGbmFact]
    public void Train_NoCallbacks_RunsPlannedIterationsAndRecordsHistory()
    {
        using var train = s_train.ToDataset();
        using var valid = Validation(train);
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
    public void Train_EarlyStopping_StopsAfterPatienceAndReportsBest()
    {
        // A high learning rate with many leaves overfits quickly, so validation log-loss turns up early.
        var parameters = TestData.Binary with { LearningRate = 0.5, NumLeaves = 63, MinDataInLeaf = 2 };
        using var train = s_train.ToDataset(parameters);
        using var valid = Validation(train);
        var result = Trainer.Train(parameters, train, 300, [("valid", valid)], [new EarlyStopping(5, metric: "binary_logloss")]);
        using var booster = result.Booster;

        Assert.StartsWith("early stopping", result.StopReason, StringComparison.Ordinal);
        Assert.Equal(result.BestIteration + 5, result.IterationsRun);
        var losses = result.History.Select(h => h.Results.Single(r => r.MetricName == "binary_logloss").Value).ToArray();
        Assert.Equal(losses.Min(), losses[result.BestIteration - 1]);
        Assert.Equal(result.BestIteration, booster.BestIteration);
        // Saves and predictions default to the best iteration.
        using var saved = Booster.LoadFromString(booster.SaveToString());
        Assert.Equal(result.BestIteration, saved.CurrentIteration);
    }

    [LightGbmFact]
    public void Train_EarlyStoppingMinDelta_StopsEarlierThanWithout()
    {
        using var train = s_train.ToDataset();
        using var valid = Validation(train);
        var plain = Trainer.Train(TestData.Binary, train, 200, [("valid", valid)], [new EarlyStopping(3)]);
        var strict = Trainer.Train(TestData.Binary, train, 200, [("valid", valid)], [new EarlyStopping(3, minDelta: 0.01)]);
        using var a = plain.Booster;
        using var b = strict.Booster;
        Assert.True(strict.IterationsRun < plain.IterationsRun, $"{strict.IterationsRun} vs {plain.IterationsRun}");
    }

    [LightGbmFact]
    public void Train_EarlyStoppingWithoutValidation_Throws()
    {
        using var train = s_train.ToDataset();
        var error = Assert.Throws<InvalidOperationException>(() => Trainer.Train(TestData.Binary, train, 10, callbacks: [new EarlyStopping(3)]));
        Assert.Contains("validation set", error.Message, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void Train_EarlyStoppingUnknownMetric_Throws()
    {
        using var train = s_train.ToDataset();
        using var valid = Validation(train);
        Assert.Throws<InvalidOperationException>(() => Trainer.Train(TestData.Binary, train, 10, [("valid", valid)], [new EarlyStopping(3, metric: "rmse")]));
    }

    [LightGbmFact]
    public void Train_TinyTimeBudget_StopsEarly()
    {
        using var train = s_train.ToDataset();
        var result = Trainer.Train(TestData.Binary, train, 100_000, callbacks: [new TimeBudget(TimeSpan.FromMilliseconds(200))]);
        using var booster = result.Booster;
        Assert.StartsWith("time budget", result.StopReason, StringComparison.Ordinal);
        Assert.InRange(result.IterationsRun, 1, 99_999);
    }

    [LightGbmFact]
    public void Train_ProgressReporter_ReportsEveryIteration()
    {
        using var train = s_train.ToDataset();
        using var valid = Validation(train);
        var reports = new List<TrainingProgress>();
        var result = Trainer.Train(TestData.Binary, train, 5, [("valid", valid)], [new ProgressReporter(new SyncProgress(reports.Add))]);
        result.Booster.Dispose();
        Assert.Equal([1, 2, 3, 4, 5], reports.Select(r => r.Iteration));
        Assert.All(reports, r => Assert.Equal(5, r.IterationCount));
        Assert.All(reports, r => Assert.Equal(2, r.Evaluations.Count));
    }

    [LightGbmFact]
    public void Train_EvaluationLoggerPeriod_LogsEveryPeriodAndTheStop()
    {
        using var train = s_train.ToDataset();
        using var valid = Validation(train);
        var logger = new ListLogger();
        var result = Trainer.Train(TestData.Binary, train, 10, [("valid", valid)], [new EvaluationLogger(logger, period: 4)]);
        result.Booster.Dispose();
        Assert.Equal(2, logger.Messages.Count);
        Assert.StartsWith("[4] valid auc: ", logger.Messages[0], StringComparison.Ordinal);
        Assert.StartsWith("[8] ", logger.Messages[1], StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void Train_CancelledToken_Throws()
    {
        using var train = s_train.ToDataset();
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        Assert.Throws<OperationCanceledException>(() => Trainer.Train(TestData.Binary, train, 10, cancellationToken: cancellation.Token));
    }

    private static Dataset Validation(Dataset train)
    {
        var valid = train.CreateValidation(s_valid.Features, s_valid.Rows);
        valid.SetLabel(s_valid.Labels);
        return valid;
    }

    // Progress<T> posts to the thread pool; the test needs the reports synchronously.
    private sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class ListLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
