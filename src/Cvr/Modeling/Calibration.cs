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

    /// <summary>ω with each row weighing <paramref name="weights"/>[i]: the weighted rate over the weighted mean
    /// prediction, Σ wᵢyᵢ ÷ Σ wᵢpᵢ; null weights: the unweighted ω, the same bits.</summary>
    public static double Omega(ReadOnlySpan<byte> labels, ReadOnlySpan<double> predictions, double[]? weights)
    {
        if (weights is null) { return Omega(labels, predictions); }
        if (labels.Length != predictions.Length || labels.Length != weights.Length)
        {
            throw new ArgumentException($"{labels.Length} labels, {predictions.Length} predictions and {weights.Length} weights");
        }
        double installs = 0, predicted = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            installs += weights[i] * labels[i];
            predicted += weights[i] * predictions[i];
        }
        return installs / predicted;
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
        var result = new double[members[0].Length];
        Mix(members, weights.ToArray(), result);
        return result;
    }

    /// <summary><see cref="Mix(IReadOnlyList{double[]}, IReadOnlyList{double})"/> into <paramref name="result"/>.</summary>
    private static void Mix(IReadOnlyList<double[]> members, ReadOnlySpan<double> weights, Span<double> result)
    {
        Span<double> values = stackalloc double[members.Count];
        for (var i = 0; i < result.Length; i++)
        {
            for (var m = 0; m < values.Length; m++) { values[m] = members[m][i]; }
            result[i] = MixRow(values, weights);
        }
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
    /// <param name="rowWeights">Each validation row's weight in the logloss (<see cref="NewAdWeighting"/>); null: alike.</param>
    public static double[] FitWeights(ReadOnlySpan<byte> labels, IReadOnlyList<double[]> members, double[]? rowWeights = null)
    {
        var steps = (int)Math.Round(1 / WeightStep);
        var points = new List<double[]>();
        var counts = new int[members.Count];
        void Enumerate(int m, int left)
        {
            if (m == members.Count - 1)
            {
                counts[m] = left;
                points.Add(counts.Select(c => c * WeightStep).ToArray());
                return;
            }
            for (var c = 0; c <= left; c++)
            {
                counts[m] = c;
                Enumerate(m + 1, left - c);
            }
        }
        Enumerate(0, steps);
        // Each point's loss in parallel, into one buffer per thread (a mix per point was 6.6 GB of garbage at scale
        // 1.0's 160,000 validation rows); then the first best in lexicographic order, as one pass would find it.
        var label = labels.ToArray();
        var losses = new double[points.Count];
        Parallel.For(0, points.Count, () => new double[label.Length], (k, _, buffer) =>
        {
            Mix(members, points[k], buffer);
            losses[k] = Metrics.LogLoss(label, buffer, rowWeights);
            return buffer;
        }, _ => { });
        var (best, bestLoss) = (0, double.PositiveInfinity);
        for (var k = 0; k < losses.Length; k++)
        {
            if (losses[k] < bestLoss - 1e-12) { (best, bestLoss) = (k, losses[k]); }
        }
        return points[best];
    }

    /// <summary>The weight of <paramref name="first"/> in [0, 1] that minimises the logloss on the given labels.</summary>
    /// <param name="rowWeights">Each validation row's weight in the logloss (<see cref="NewAdWeighting"/>); null: alike.</param>
    public static double FitWeight(ReadOnlySpan<byte> labels, ReadOnlySpan<double> first, ReadOnlySpan<double> second, double[]? rowWeights = null)
    {
        var best = 0.5;
        var bestLoss = double.PositiveInfinity;
        for (var step = 0; step <= (int)Math.Round(1 / WeightStep); step++)
        {
            var w = step * WeightStep;
            var loss = Metrics.LogLoss(labels, Blend(first, second, w), rowWeights);
            if (loss < bestLoss - 1e-12)
            {
                bestLoss = loss;
                best = w;
            }
        }
        return best;
    }
}
