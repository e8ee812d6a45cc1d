using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging;

namespace Cvr.LightGbm.Tests.Training;

/// <summary>Shared data and fakes for the training-loop and callback tests.</summary>
internal static class TrainingData
{
    internal static readonly TestData Train = TestData.Create(2000, 8, seed: 7);
    internal static readonly TestData Valid = TestData.Create(600, 8, seed: 8);

    internal static Dataset Validation(Dataset train)
    {
        var valid = train.CreateValidation(Valid.Features, Valid.Rows);
        valid.SetLabel(Valid.Labels);
        return valid;
    }
}

// Progress<T> posts to the thread pool; the tests need the reports synchronously.
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}

internal sealed class ListLogger : ILogger
{
    public List<string> Messages { get; } = [];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Add(formatter(state, exception));
}
