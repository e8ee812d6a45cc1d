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

    /// <summary>The weighted sum of calibrated members' probabilities (weights non-negative, summing to 1).</summary>
    public static double[] Mix(IReadOnlyList<double[]> members, IReadOnlyList<double> weights)
    {
        var w = weights.ToArray();
        var result = new double[members[0].Length];
        Span<double> values = stackalloc double[members.Count];
        for (var i = 0; i < result.Length; i++)
        {
            for (var m = 0; m < values.Length; m++) { values[m] = members[m][i]; }
            result[i] = MixRow(values, w);
        }
        return result;
    }

    /// <summary>One row of <see cref="Mix"/>: the weighted sum in member order (batch and per-row scoring share it).</summary>
    public static double MixRow(ReadOnlySpan<double> values, ReadOnlySpan<double> weights)
    {
        var sum = 0.0;
        for (var m = 0; m < values.Length; m++) { sum += weights[m] * values[m]; }
        return sum;
    }

    /// <summary>
    /// The weights (non-negative, summing to 1, on a grid of step <see cref="WeightStep"/>) that minimise the logloss
    /// of <see cref="Mix"/> on the given labels: every point of the simplex grid (5,151 for three members). Ties
    /// keep the first point in lexicographic order, so the result is reproducible.
    /// </summary>
    public static double[] FitWeights(ReadOnlySpan<byte> labels, IReadOnlyList<double[]> members)
    {
        var steps = (int)Math.Round(1 / WeightStep);
        var counts = new int[members.Count];
        var best = new double[members.Count];
        var bestLoss = double.PositiveInfinity;
        var label = labels.ToArray();
        void Search(int m, int left)
        {
            if (m == members.Count - 1)
            {
                counts[m] = left;
                var weights = counts.Select(c => c * WeightStep).ToArray();
                var loss = Metrics.LogLoss(label, Mix(members, weights));
                if (loss < bestLoss - 1e-12)
                {
                    bestLoss = loss;
                    best = weights;
                }
                return;
            }
            for (var c = 0; c <= left; c++)
            {
                counts[m] = c;
                Search(m + 1, left - c);
            }
        }
        Search(0, steps);
        return best;
    }

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
