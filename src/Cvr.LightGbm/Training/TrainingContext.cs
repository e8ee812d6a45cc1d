using System.Diagnostics;

namespace Cvr.LightGbm.Training;

/// <summary>The loop's state as callbacks see it; callbacks steer the loop only through <see cref="Stop"/>.</summary>
public sealed class TrainingContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    internal TrainingContext(Booster booster, int iterationCount)
    {
        Booster = booster;
        IterationCount = iterationCount;
    }

    public Booster Booster { get; }

    /// <summary>The planned number of iterations.</summary>
    public int IterationCount { get; }

    /// <summary>Completed iterations (1 after the first).</summary>
    public int Iteration { get; internal set; }

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>This iteration's metric values on the validation sets (and training data if requested).</summary>
    public IReadOnlyList<EvaluationResult> Evaluations { get; internal set; } = [];

    /// <summary>The best iteration so far as an early-stopping callback judges it; null when none reported.</summary>
    public int? BestIteration { get; private set; }

    public string? StopReason { get; private set; }

    public bool StopRequested => StopReason is not null;

    /// <summary>Ends training after this iteration; the first reason given wins.</summary>
    public void Stop(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        StopReason ??= reason;
    }

    public void ReportBestIteration(int iteration)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iteration);
        BestIteration = iteration;
    }
}
