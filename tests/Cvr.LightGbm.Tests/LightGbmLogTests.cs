using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.LightGbm.Tests;

public class LightGbmLogTests
{
    [Theory]
    [InlineData("[LightGBM] [Warning] No further splits", LogLevel.Warning, "No further splits")]
    [InlineData("[LightGBM] [Info] Total Bins 100", LogLevel.Information, "Total Bins 100")]
    [InlineData("[LightGBM] [Fatal] bad", LogLevel.Error, "bad")]
    [InlineData("[LightGBM] [Debug] x", LogLevel.Debug, "x")]
    [InlineData("plain text", LogLevel.Information, "plain text")]
    public void Parse_LightGbmLine_SplitsLevelAndText(string line, LogLevel level, string text)
    {
        Assert.Equal((level, text), LightGbmLog.Parse(line));
    }

    [LightGbmFact]
    public void Logger_CallsFromANewThread_ReceivesLightGbmInfoLines()
    {
        // LightGBM keeps its log callback per thread: a thread that never called LightGBM before must be routed too.
        var logger = new CapturingLogger();
        LightGbmLog.Logger = logger;
        try
        {
            var worker = new Thread(() =>
            {
                var data = TestData.Create(500, 4);
                using var dataset = data.ToDataset(TestData.Binary with { Verbosity = 1 });
                using var booster = TestData.Train(dataset, 1, TestData.Binary with { Verbosity = 1 });
            });
            worker.Start();
            worker.Join();
        }
        finally
        {
            LightGbmLog.Logger = NullLogger.Instance;
        }
        Assert.Contains(logger.Lines, l => l.Level == LogLevel.Information && l.Text.StartsWith("LightGBM: ", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, l => l.Text.Contains("[LightGBM]", StringComparison.Ordinal));
    }

    private sealed class CapturingLogger : ILogger
    {
        private readonly List<(LogLevel Level, string Text)> _lines = [];

        public IReadOnlyList<(LogLevel Level, string Text)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
