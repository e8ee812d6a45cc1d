namespace Cvr.Tuning;

/// <summary>
/// Optuna's TPESampler defaults (optuna/samplers/_tpe/sampler.py, v3-v4), named. The paper we implement tuned every
/// model with them, so they are the defaults here too.
/// </summary>
public static class TpeDefaults
{
    /// <summary>Trials (complete or pruned) drawn at random before TPE takes over: n_startup_trials=10.</summary>
    public const int StartupTrials = 10;

    /// <summary>Candidates drawn from l(x) and ranked by l(x)/g(x): n_ei_candidates=24.</summary>
    public const int EiCandidates = 24;

    /// <summary>Weight of the prior kernel (a wide normal at the centre of the range): prior_weight=1.0.</summary>
    public const double PriorWeight = 1.0;

    /// <summary>Most trials ever counted as "good", and the number of newest trials weighted fully.</summary>
    public const int GoodCap = 25;

    /// <summary>The share of trials counted as good: default_gamma's 0.1.</summary>
    public const double GoodFraction = 0.1;

    /// <summary>Magic clip: no kernel narrower than range / min(MagicClipKernels, 1 + kernels).</summary>
    public const double MagicClipKernels = 100;

    /// <summary>default_gamma: the number of good trials among n, min(ceil(0.1 n), 25).</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(GoodFraction * n), GoodCap);

    /// <summary>
    /// default_weights: the kernel weights of n observations in trial order (oldest first). The newest 25 weigh 1;
    /// older ones ramp linearly from 1/n up towards 1, so the estimator slowly forgets the start of the study.
    /// </summary>
    public static double[] Weights(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        var weights = new double[n];
        Array.Fill(weights, 1.0);
        int ramp = n - GoodCap;
        if (ramp <= 0)
        {
            return weights;
        }
        // numpy.linspace(1/n, 1, num=ramp): endpoints included; a single point is the start.
        double start = 1.0 / n;
        for (int i = 0; i < ramp; i++)
        {
            weights[i] = ramp == 1 ? start : start + i * ((1.0 - start) / (ramp - 1));
        }
        return weights;
    }
}

/// <summary>TPE settings; every default is Optuna's (see <see cref="TpeDefaults"/>).</summary>
public sealed record TpeOptions
{
    public int StartupTrials { get; init; } = TpeDefaults.StartupTrials;

    public int EiCandidates { get; init; } = TpeDefaults.EiCandidates;

    public double PriorWeight { get; init; } = TpeDefaults.PriorWeight;

    public bool ConsiderMagicClip { get; init; } = true;

    /// <summary>When false (Optuna's default), the outermost kernels' widths ignore the distance to the range ends.</summary>
    public bool ConsiderEndpoints { get; init; }

    public Func<int, int> Gamma { get; init; } = TpeDefaults.Gamma;

    public Func<int, double[]> Weights { get; init; } = TpeDefaults.Weights;
}
