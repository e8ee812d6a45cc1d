namespace Cvr.LightGbm.Training;

/// <summary>
/// Stops when one metric on one validation set has not improved by at least <see cref="MinDelta"/> for
/// <see cref="Patience"/> iterations, and reports the best iteration. Direction (higher or lower is better)
/// follows the metric's name.
/// </summary>
public sealed class EarlyStopping : ITrainingCallback
{
    private double _best;
    private int _bestIteration;
    private bool _higherIsBetter;

    /// <param name="patience">Iterations without improvement before stopping.</param>
    /// <param name="minDelta">The smallest change that counts as an improvement.</param>
    /// <param name="metric">The metric to watch; null: the first metric LightGBM evaluates.</param>
    /// <param name="dataName">The validation set to watch; null: the first one added.</param>
    public EarlyStopping(int patience, double minDelta = 0, string? metric = null, string? dataName = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        ArgumentOutOfRangeException.ThrowIfNegative(minDelta);
        Patience = patience;
        MinDelta = minDelta;
        Metric = metric;
        DataName = dataName;
    }

    public int Patience { get; }

    public double MinDelta { get; }

    public string? Metric { get; private set; }

    public string? DataName { get; private set; }

    // After reporters, so the stopping iteration is still logged.
    public int Order => 30;

    public void BeforeTraining(TrainingContext context)
    {
        var booster = context.Booster;
        if (booster.DataNames.Count < 2)
        {
            throw new InvalidOperationException("Early stopping needs at least one validation set.");
        }
        DataName ??= booster.DataNames[1];
        if (DataName == Booster.TrainingDataName || !booster.DataNames.Contains(DataName))
        {
            throw new InvalidOperationException($"Early stopping watches '{DataName}', which is not a validation set of this booster.");
        }
        var metrics = booster.EvaluationNames;
        if (metrics.Count == 0)
        {
            throw new InvalidOperationException("Early stopping needs a metric; set LightGbmParameters.Metrics.");
        }
        Metric ??= metrics[0];
        if (!metrics.Contains(Metric))
        {
            throw new InvalidOperationException($"Early stopping watches metric '{Metric}', but LightGBM evaluates only {string.Join(", ", metrics)}.");
        }
        _higherIsBetter = EvaluationResult.IsHigherBetter(Metric);
        _best = _higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        _bestIteration = 0;
    }

    public void AfterIteration(TrainingContext context)
    {
        var value = context.Evaluations.First(e => e.DataName == DataName && e.MetricName == Metric).Value;
        var improved = _higherIsBetter ? value > _best + MinDelta : value < _best - MinDelta;
        if (improved || _bestIteration == 0)
        {
            _best = value;
            _bestIteration = context.Iteration;
        }
        context.ReportBestIteration(_bestIteration);
        if (context.Iteration - _bestIteration >= Patience)
        {
            context.Stop($"early stopping: {DataName} {Metric} did not improve for {Patience} iterations (best {_best:G6} at {_bestIteration})");
        }
    }
}
