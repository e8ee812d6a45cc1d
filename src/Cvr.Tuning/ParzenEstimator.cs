namespace Cvr.Tuning;

/// <summary>
/// One parameter's Parzen estimator (a weighted mixture with one kernel per observation plus a prior kernel), as
/// Optuna's univariate _ParzenEstimator builds it: truncated normals for numbers, smoothed one-hot rows for
/// categories. TPE fits one to the good trials, l(x), and one to the rest, g(x).
/// </summary>
internal sealed class ParzenEstimator
{
    /// <summary>Optuna's EPS: the smallest kernel width when the magic clip is off.</summary>
    private const double MinSigmaWithoutClip = 1e-12;

    private readonly double[] _cumulativeWeights;
    private readonly double[] _logWeights;
    private readonly NumericSpace _space;
    private readonly double[] _mus = [];
    private readonly double[] _sigmas = [];
    private readonly double[] _logNormalizers = [];
    private readonly double[][] _choiceProbabilities = [];

    /// <param name="observations">Internal values in trial order (oldest first): weights depend on the order.</param>
    public ParzenEstimator(IReadOnlyList<double> observations, ParamDistribution distribution, TpeOptions options)
    {
        var weights = KernelWeights(observations.Count, options);
        _logWeights = [.. weights.Select(w => Math.Log(w))];
        _cumulativeWeights = new double[weights.Length];
        double sum = 0;
        for (int k = 0; k < weights.Length; k++)
        {
            _cumulativeWeights[k] = sum += weights[k];
        }
        _cumulativeWeights[^1] = 1;
        if (distribution is CategoricalDistribution categorical)
        {
            _choiceProbabilities = CategoricalKernels(observations, categorical.Choices.Count, options.PriorWeight);
        }
        else
        {
            _space = NumericSpace.Of(distribution);
            (_mus, _sigmas) = NumericKernels(observations, _space, options);
            _logNormalizers = new double[_mus.Length];
            for (int k = 0; k < _mus.Length; k++)
            {
                _logNormalizers[k] = TruncatedNormal.LogNormalizer(_mus[k], _sigmas[k], _space.Lo, _space.Hi);
            }
        }
    }

    public int KernelCount => _logWeights.Length;

    internal IReadOnlyList<double> Mus => _mus;

    internal IReadOnlyList<double> Sigmas => _sigmas;

    /// <summary>Draws internal values: pick a kernel by weight, then draw from it.</summary>
    public double[] Sample(ref TuningRng rng, int count)
    {
        var samples = new double[count];
        for (int i = 0; i < count; i++)
        {
            int k = PickIndex(_cumulativeWeights, rng.NextDouble());
            if (_choiceProbabilities.Length > 0)
            {
                samples[i] = PickIndex(Cumulative(_choiceProbabilities[k]), rng.NextDouble());
            }
            else
            {
                samples[i] = _space.Untransform(TruncatedNormal.Sample(ref rng, _mus[k], _sigmas[k], _space.Lo, _space.Hi));
            }
        }
        return samples;
    }

    /// <summary>log of the mixture's density (or, for stepped and categorical values, probability) at a value.</summary>
    public double LogPdf(double value)
    {
        double max = double.NegativeInfinity;
        Span<double> terms = _logWeights.Length <= 256 ? stackalloc double[_logWeights.Length] : new double[_logWeights.Length];
        for (int k = 0; k < terms.Length; k++)
        {
            terms[k] = _logWeights[k] + KernelLogPdf(k, value);
            max = Math.Max(max, terms[k]);
        }
        if (double.IsNegativeInfinity(max))
        {
            return max;
        }
        double sum = 0;
        foreach (double term in terms)
        {
            sum += Math.Exp(term - max);
        }
        return max + Math.Log(sum);
    }

    private double KernelLogPdf(int k, double value)
    {
        if (_choiceProbabilities.Length > 0)
        {
            return Math.Log(_choiceProbabilities[k][(int)value]);
        }
        double mu = _mus[k], sigma = _sigmas[k];
        if (_space.IsDiscrete)
        {
            // The kernel's mass over the value's grid cell (Optuna's _BatchedDiscreteTruncNormDistributions).
            var (from, to) = _space.Cell(value);
            from = Math.Max(from, _space.Lo);
            to = Math.Min(to, _space.Hi);
            return Gaussian.LogMass((from - mu) / sigma, (to - mu) / sigma) - _logNormalizers[k];
        }
        double t = _space.Transform(value);
        if (t < _space.Lo || t > _space.Hi)
        {
            return double.NegativeInfinity;
        }
        return Gaussian.LogPdf((t - mu) / sigma) - _logNormalizers[k] - Math.Log(sigma);
    }

    /// <summary>The observations' weights (Weights(n)) and the prior's, normalised to sum to 1.</summary>
    private static double[] KernelWeights(int n, TpeOptions options)
    {
        if (n == 0)
        {
            return [1.0];
        }
        var raw = options.Weights(n);
        if (raw.Length < n || raw.Take(n).Any(w => w < 0 || !double.IsFinite(w)) || raw.Take(n).Sum() <= 0)
        {
            throw new InvalidOperationException($"The TPE weights function must return {n} finite, non-negative weights that are not all zero.");
        }
        double[] weights = [.. raw.Take(n), options.PriorWeight];
        double total = weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= total;
        }
        return weights;
    }

    /// <summary>
    /// Kernel centres are the observations; each kernel is as wide as the larger gap to its sorted neighbours (the
    /// prior's centre and the range ends count as neighbours), clipped to [range / min(100, kernels + 1), range].
    /// The prior kernel sits mid-range with width = range.
    /// </summary>
    private static (double[] Mus, double[] Sigmas) NumericKernels(IReadOnlyList<double> observations, NumericSpace space, TpeOptions options)
    {
        int n = observations.Count;
        double lo = space.Lo, hi = space.Hi, range = hi - lo, priorMu = 0.5 * (lo + hi);
        var mus = new double[n + 1];
        for (int i = 0; i < n; i++)
        {
            mus[i] = space.Transform(observations[i]);
        }
        mus[n] = priorMu;

        // Stable argsort: ties keep trial order, so equal observations get widths deterministically.
        int[] order = [.. Enumerable.Range(0, n + 1).OrderBy(i => mus[i])];
        var sorted = new double[n + 3];
        sorted[0] = lo;
        for (int j = 0; j <= n; j++)
        {
            sorted[j + 1] = mus[order[j]];
        }
        sorted[n + 2] = hi;
        var sortedSigmas = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            sortedSigmas[j] = Math.Max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]);
        }
        if (!options.ConsiderEndpoints && n + 1 >= 2)
        {
            sortedSigmas[0] = sorted[2] - sorted[1];
            sortedSigmas[n] = sorted[n + 1] - sorted[n];
        }

        double minSigma = options.ConsiderMagicClip
            ? range / Math.Min(TpeDefaults.MagicClipKernels, 1.0 + (n + 1))
            : MinSigmaWithoutClip;
        var sigmas = new double[n + 1];
        for (int j = 0; j <= n; j++)
        {
            sigmas[order[j]] = Math.Min(Math.Max(sortedSigmas[j], minSigma), range);
        }
        sigmas[n] = range;
        return (mus, sigmas);
    }

    /// <summary>Each observation's row puts 1 on its choice plus prior_weight/(n+1) on every choice; the prior's row is uniform.</summary>
    private static double[][] CategoricalKernels(IReadOnlyList<double> observations, int choiceCount, double priorWeight)
    {
        int kernels = observations.Count + 1;
        var rows = new double[kernels][];
        for (int k = 0; k < kernels; k++)
        {
            var row = new double[choiceCount];
            Array.Fill(row, observations.Count == 0 ? 1.0 / choiceCount : priorWeight / kernels);
            if (k < observations.Count)
            {
                row[(int)observations[k]] += 1;
            }
            double sum = row.Sum();
            if (sum > 0)
            {
                for (int j = 0; j < choiceCount; j++)
                {
                    row[j] /= sum;
                }
            }
            rows[k] = row;
        }
        return rows;
    }

    private static double[] Cumulative(double[] probabilities)
    {
        var cumulative = new double[probabilities.Length];
        double sum = 0;
        for (int j = 0; j < probabilities.Length; j++)
        {
            cumulative[j] = sum += probabilities[j];
        }
        cumulative[^1] = 1;
        return cumulative;
    }

    /// <summary>The first index whose cumulative weight exceeds u (numpy's choice / Optuna's cum_probs &lt; u count).</summary>
    private static int PickIndex(double[] cumulative, double u)
    {
        for (int i = 0; i < cumulative.Length; i++)
        {
            if (u < cumulative[i])
            {
                return i;
            }
        }
        return cumulative.Length - 1;
    }
}
