using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Cvr.LightGbm.Training;

/// <summary>Logs the evaluation results every <c>period</c> iterations, and on the iteration training stops.</summary>
public sealed class EvaluationLogger(ILogger logger, int period = 1) : ITrainingCallback
{
    private readonly ILogger _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    private readonly int _period = period > 0 ? period : throw new ArgumentOutOfRangeException(nameof(period));

    // Last, so it sees the stop decision of this iteration.
    public int Order => 40;

    public void AfterIteration(TrainingContext context)
    {
        if (context.Evaluations.Count == 0 || (context.Iteration % _period != 0 && !context.StopRequested))
        {
            return;
        }
        var text = string.Join("  ", context.Evaluations.Select(e =>
            string.Create(CultureInfo.InvariantCulture, $"{e.DataName} {e.MetricName}: {e.Value:G6}")));
        _logger.LogInformation("[{Iteration}] {Evaluations}", context.Iteration, text);
    }
}

/// <summary>What <see cref="ProgressReporter"/> reports after each iteration.</summary>
public sealed record TrainingProgress(int Iteration, int IterationCount, TimeSpan Elapsed, IReadOnlyList<EvaluationResult> Evaluations);

/// <summary>Reports progress after each iteration (e.g. to a progress bar).</summary>
public sealed class ProgressReporter(IProgress<TrainingProgress> progress) : ITrainingCallback
{
    private readonly IProgress<TrainingProgress> _progress = progress ?? throw new ArgumentNullException(nameof(progress));

    public int Order => 10;

    public void AfterIteration(TrainingContext context) =>
        _progress.Report(new TrainingProgress(context.Iteration, context.IterationCount, context.Elapsed, context.Evaluations));
}

/// <summary>
/// Stops before the time budget would be exceeded: after each iteration it stops if one more iteration of the
/// average duration so far would cross the budget.
/// </summary>
public sealed class TimeBudget : ITrainingCallback
{
    public TimeBudget(TimeSpan budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(budget, TimeSpan.Zero);
        Budget = budget;
    }

    public TimeSpan Budget { get; }

    public int Order => 20;

    public void AfterIteration(TrainingContext context)
    {
        var elapsed = context.Elapsed;
        var perIteration = elapsed / context.Iteration;
        if (elapsed + perIteration > Budget)
        {
            context.Stop(string.Create(CultureInfo.InvariantCulture,
                $"time budget: {elapsed.TotalSeconds:F1} s used of {Budget.TotalSeconds:F1} s after {context.Iteration} iterations"));
        }
    }
}
