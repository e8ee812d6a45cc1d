namespace Cvr.Tuning;

/// <summary>Decides from the study's history whether a running trial should stop early.</summary>
public abstract class Pruner
{
    private protected Pruner()
    {
    }

    internal abstract bool ShouldPrune(IReadOnlyList<TrialRecord> history, StudyDirection direction, TrialRecord trial);
}

/// <summary>Never prunes.</summary>
public sealed class NopPruner : Pruner
{
    internal override bool ShouldPrune(IReadOnlyList<TrialRecord> history, StudyDirection direction, TrialRecord trial) => false;
}

/// <summary>
/// Prunes a trial whose best intermediate value so far is worse than the given percentile of the complete trials'
/// values at the same step. A port of Optuna's PercentilePruner (optuna/pruners/_percentile.py), defaults included.
/// </summary>
public sealed class PercentilePruner : Pruner
{
    /// <param name="percentile">0-100; 50 is the median rule. For maximisation the rule uses 100 - percentile.</param>
    /// <param name="startupTrials">No pruning until this many trials are complete (Optuna: 5).</param>
    /// <param name="warmupSteps">No pruning before this step (Optuna: 0; steps start at 0).</param>
    /// <param name="intervalSteps">Check every this many steps after the warm-up (Optuna: 1).</param>
    /// <param name="minTrials">No pruning at a step that fewer complete trials reported (Optuna: 1).</param>
    public PercentilePruner(double percentile, int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "The percentile must be between 0 and 100.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(startupTrials);
        ArgumentOutOfRangeException.ThrowIfNegative(warmupSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(intervalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minTrials, 1);
        Percentile = percentile;
        StartupTrials = startupTrials;
        WarmupSteps = warmupSteps;
        IntervalSteps = intervalSteps;
        MinTrials = minTrials;
    }

    public double Percentile { get; }

    public int StartupTrials { get; }

    public int WarmupSteps { get; }

    public int IntervalSteps { get; }

    public int MinTrials { get; }

    internal override bool ShouldPrune(IReadOnlyList<TrialRecord> history, StudyDirection direction, TrialRecord trial)
    {
        var complete = history.Where(t => t.State == TrialState.Complete).ToList();
        if (complete.Count == 0 || complete.Count < StartupTrials)
        {
            return false;
        }
        if (trial.LastStep is not { } step || step < WarmupSteps || !IsFirstInInterval(step, trial.IntermediateValues.Keys))
        {
            return false;
        }
        bool maximize = direction == StudyDirection.Maximize;
        double best = BestIntermediate(trial.IntermediateValues.Values, maximize);
        if (double.IsNaN(best))
        {
            return true;
        }
        var atStep = complete.Where(t => t.IntermediateValues.ContainsKey(step)).Select(t => t.IntermediateValues[step]).ToList();
        if (atStep.Count < MinTrials)
        {
            return false;
        }
        double threshold = NanPercentile(atStep, maximize ? 100 - Percentile : Percentile);
        if (double.IsNaN(threshold))
        {
            return false;
        }
        return maximize ? best < threshold : best > threshold;
    }

    /// <summary>Only the first report at or after each checkpoint (warm-up + k interval) is judged.</summary>
    private bool IsFirstInInterval(int step, IEnumerable<int> steps)
    {
        int checkpoint = (step - WarmupSteps) / IntervalSteps * IntervalSteps + WarmupSteps;
        int previous = steps.Where(s => s != step).DefaultIfEmpty(-1).Max();
        return previous < checkpoint;
    }

    private static double BestIntermediate(IEnumerable<double> values, bool maximize)
    {
        var numbers = values.Where(v => !double.IsNaN(v)).ToList();
        return numbers.Count == 0 ? double.NaN : maximize ? numbers.Max() : numbers.Min();
    }

    /// <summary>numpy.nanpercentile with linear interpolation between order statistics.</summary>
    internal static double NanPercentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        double rank = percentile / 100 * (sorted.Length - 1);
        int lower = (int)Math.Floor(rank);
        int upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
    }
}

/// <summary>
/// Optuna's MedianPruner: <see cref="PercentilePruner"/> at 50 with its defaults (5 start-up trials, no warm-up
/// steps, every step checked). Prunes a trial whose best value so far is worse than the median of the complete
/// trials' values at the same step.
/// </summary>
public sealed class MedianPruner : Pruner
{
    private readonly PercentilePruner _rule;

    public MedianPruner(int startupTrials = 5, int warmupSteps = 0, int intervalSteps = 1, int minTrials = 1) =>
        _rule = new PercentilePruner(50, startupTrials, warmupSteps, intervalSteps, minTrials);

    public int StartupTrials => _rule.StartupTrials;

    public int WarmupSteps => _rule.WarmupSteps;

    public int IntervalSteps => _rule.IntervalSteps;

    internal override bool ShouldPrune(IReadOnlyList<TrialRecord> history, StudyDirection direction, TrialRecord trial) =>
        _rule.ShouldPrune(history, direction, trial);
}
