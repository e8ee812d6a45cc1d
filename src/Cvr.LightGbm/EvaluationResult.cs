namespace Cvr.LightGbm;

/// <summary>One metric value on one dataset after one iteration.</summary>
public sealed record EvaluationResult(string DataName, string MetricName, double Value)
{
    /// <summary>
    /// Whether larger values are better, from the metric name as LightGBM's Python package decides it
    /// (auc, ndcg@k, map@k, average_precision and auc_mu; everything else is a loss).
    /// </summary>
    public bool HigherIsBetter => IsHigherBetter(MetricName);

    internal static bool IsHigherBetter(string metric)
    {
        var name = metric.Split('@')[0];
        return name is "auc" or "ndcg" or "map" or "average_precision" or "auc_mu";
    }
}
