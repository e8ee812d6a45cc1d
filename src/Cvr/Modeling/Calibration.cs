namespace Cvr.Modeling;

/// <summary>
/// He et al. (2014)'s recalibration, as in the paper's 4.2: ω = observed rate / mean prediction on the validation
/// day, p' = p / (p + (1 − p)/ω). It rescales the odds by ω, so ranking (AUC) is unchanged.
/// </summary>
public static class Calibration
{
    public static double Omega(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions)
    {
        var mean = 0.0;
        foreach (var p in predictions) { mean += p; }
        mean /= predictions.Length;
        return Metrics.Rate(labels) / mean;
    }

    public static double Apply(double p, double omega) => p / (p + (1 - p) / omega);

    public static double[] Apply(ReadOnlySpan<double> predictions, double omega)
    {
        var result = new double[predictions.Length];
        for (var i = 0; i < result.Length; i++) { result[i] = Apply(predictions[i], omega); }
        return result;
    }
}

/// <summary>The paper's second stage: a weighted average of the calibrated models (0.5/0.5 by default).</summary>
public static class Ensemble
{
    /// <summary>Grid step of <see cref="FitWeight"/>; finer steps only fit noise on one validation day.</summary>
    public const double WeightStep = 0.01;

    public static double[] Blend(ReadOnlySpan<double> first, ReadOnlySpan<double> second, double firstWeight)
    {
        var result = new double[first.Length];
        for (var i = 0; i < result.Length; i++) { result[i] = Blend(first[i], second[i], firstWeight); }
        return result;
    }

    public static double Blend(double first, double second, double firstWeight) => firstWeight * first + (1 - firstWeight) * second;

    /// <summary>The weight of <paramref name="first"/> in [0, 1] that minimises the logloss on the given labels.</summary>
    public static double FitWeight(ReadOnlySpan<byte> labels, ReadOnlySpan<double> first, ReadOnlySpan<double> second)
    {
        var best = 0.5;
        var bestLoss = double.PositiveInfinity;
        for (var step = 0; step <= (int)Math.Round(1 / WeightStep); step++)
        {
            var w = step * WeightStep;
            var loss = Metrics.LogLoss(labels, Blend(first, second, w));
            if (loss < bestLoss - 1e-12)
            {
                bestLoss = loss;
                best = w;
            }
        }
        return best;
    }
}
