using System.Text.Json.Serialization;

namespace Cvr.Modeling;

/// <summary>
/// The challenge's metrics (data-format.md): logloss, normalized cross entropy (logloss over the entropy of the
/// mean label), AUC, and the calibration ratio (mean prediction over the observed rate; 1 is calibrated).
/// </summary>
public static class Metrics
{
    /// <summary>Predictions are clipped to [ε, 1−ε] so one confident mistake costs a large but finite loss.</summary>
    public const double Epsilon = 1e-15;

    public static double LogLoss(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions)
    {
        CheckLengths(labels.Length, predictions.Length);
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(predictions[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Length;
    }

    /// <summary>The logloss with each row weighing <paramref name="weights"/>[i]: Σ wᵢ·lossᵢ ÷ Σ wᵢ (LightGBM's weighted
    /// binary_logloss); null weights: <see cref="LogLoss(ReadOnlySpan{byte}, ReadOnlySpan{double})"/>, the same bits.</summary>
    public static double LogLoss(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions, double[]? weights)
    {
        if (weights is null) { return LogLoss(labels, predictions); }
        CheckLengths(labels.Length, predictions.Length);
        CheckLengths(labels.Length, weights.Length);
        double sum = 0, total = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(predictions[i], Epsilon, 1 - Epsilon);
            sum -= weights[i] * (labels[i] == 1 ? Math.Log(p) : Math.Log(1 - p));
            total += weights[i];
        }
        return sum / total;
    }

    /// <summary>Entropy of a Bernoulli with mean <paramref name="rate"/>: the logloss of predicting the rate itself.</summary>
    public static double Entropy(double rate)
        => rate <= 0 || rate >= 1 ? 0 : -(rate * Math.Log(rate) + (1 - rate) * Math.Log(1 - rate));

    public static double Rate(ReadOnlySpan<byte> labels)
    {
        long positives = 0;
        foreach (var y in labels) { positives += y; }
        return labels.Length == 0 ? double.NaN : positives / (double)labels.Length;
    }

    public static double NormalizedCrossEntropy(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions)
        => LogLoss(labels, predictions) / Entropy(Rate(labels));

    public static double CalibrationRatio(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions)
    {
        CheckLengths(labels.Length, predictions.Length);
        var sum = 0.0;
        foreach (var p in predictions) { sum += p; }
        return sum / predictions.Length / Rate(labels);
    }

    /// <summary>Area under the ROC curve by the rank-sum formula, ties sharing their average rank.</summary>
    public static double Auc(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions)
    {
        CheckLengths(labels.Length, predictions.Length);
        var n = labels.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++) { order[i] = i; }
        var keys = predictions.ToArray();
        Array.Sort(keys, order);
        double positives = 0, rankSum = 0;
        var start = 0;
        while (start < n)
        {
            var end = start;
            while (end + 1 < n && keys[end + 1] == keys[start]) { end++; }
            var averageRank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]] == 1)
                {
                    positives++;
                    rankSum += averageRank;
                }
            }
            start = end + 1;
        }
        var negatives = n - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - positives * (positives + 1) / 2) / (positives * negatives);
    }

    /// <summary>
    /// Share of the learnable signal a model captures on generated data:
    /// (logloss_constant − logloss_model) / (logloss_constant − logloss_true), 1 for the true probabilities.
    /// </summary>
    public static double CapturedShare(double constant, double model, double truth) => (constant - model) / (constant - truth);

    private static void CheckLengths(int labels, int predictions)
    {
        if (labels != predictions)
        {
            throw new ArgumentException($"{labels} labels but {predictions} predictions");
        }
        if (labels == 0)
        {
            throw new ArgumentException("no rows to score");
        }
    }
}

/// <summary>One row of a results table: a model's metrics on one day.</summary>
public sealed record MetricRow(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("logloss")] double LogLoss,
    [property: JsonPropertyName("nce")] double Nce,
    [property: JsonPropertyName("auc")] double Auc,
    [property: JsonPropertyName("calibration_ratio")] double CalibrationRatio,
    [property: JsonPropertyName("captured_share")] double? CapturedShare = null)
{
    public static MetricRow Of(string model, ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions, double? truthLogLoss = null)
    {
        var logLoss = Metrics.LogLoss(labels, predictions);
        var constant = Metrics.Entropy(Metrics.Rate(labels));
        return new MetricRow(model, logLoss, logLoss / constant, Metrics.Auc(labels, predictions),
            Metrics.CalibrationRatio(labels, predictions),
            truthLogLoss is { } t ? Metrics.CapturedShare(constant, logLoss, t) : null);
    }
}
