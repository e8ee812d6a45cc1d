namespace Cvr.Tuning;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al. 2011), independent (univariate) as in Optuna's default
/// TPESampler (multivariate=False). After <see cref="TpeOptions.StartupTrials"/> finished trials, for each
/// parameter: split the complete and pruned trials into the gamma(n) best and the rest, fit a Parzen estimator to
/// each side (l and g), draw <see cref="TpeOptions.EiCandidates"/> candidates from l and keep the one with the
/// largest l(x)/g(x), which is the candidate with the largest expected improvement.
/// </summary>
/// <remarks>Follows optuna/samplers/_tpe/sampler.py (_sample, _split_trials) and parzen_estimator.py.</remarks>
public sealed class TpeSampler : Sampler
{
    public TpeSampler(ulong seed = 0, TpeOptions? options = null)
        : base(seed)
    {
        Options = options ?? new TpeOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(Options.StartupTrials);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Options.EiCandidates);
        ArgumentOutOfRangeException.ThrowIfNegative(Options.PriorWeight);
    }

    public override string Name => "tpe";

    public TpeOptions Options { get; }

    internal override double Sample(SamplingRequest request)
    {
        var rng = TuningRng.For(Seed, request.TrialNumber, request.Name);
        var distribution = request.Distribution;
        var finished = request.History.Where(t => t.State is TrialState.Complete or TrialState.Pruned).ToList();
        if (finished.Count < Options.StartupTrials || distribution.IsSingle)
        {
            return RandomSampler.SampleUniform(ref rng, distribution);
        }

        var (below, above) = Split(finished, request.Direction, Options.Gamma(finished.Count));
        var good = new ParzenEstimator(Observations(below, request.Name, distribution), distribution, Options);
        var bad = new ParzenEstimator(Observations(above, request.Name, distribution), distribution, Options);

        var candidates = good.Sample(ref rng, Options.EiCandidates);
        int best = 0;
        double bestScore = double.NaN;
        for (int i = 0; i < candidates.Length; i++)
        {
            // log l(x) - log g(x); strictly greater, so ties go to the first candidate as with numpy.argmax.
            double score = good.LogPdf(candidates[i]) - bad.LogPdf(candidates[i]);
            if (i == 0 || score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }
        return candidates[best];
    }

    /// <summary>
    /// Optuna's _split_trials: the best complete trials fill the good side first, then pruned trials ranked by how
    /// far they got (later step first) and then by their last reported value. Both sides come back in trial order,
    /// which the weights rely on.
    /// </summary>
    internal static (List<TrialRecord> Below, List<TrialRecord> Above) Split(
        IReadOnlyList<TrialRecord> finished, StudyDirection direction, int goodCount)
    {
        double sign = direction == StudyDirection.Minimize ? 1 : -1;
        var complete = finished.Where(t => t.State == TrialState.Complete).OrderBy(t => sign * t.Value!.Value).ToList();
        var pruned = finished.Where(t => t.State == TrialState.Pruned).OrderBy(t => PrunedRank(t, sign)).ToList();

        int fromComplete = Math.Min(Math.Max(goodCount, 0), complete.Count);
        int fromPruned = Math.Min(Math.Max(goodCount - fromComplete, 0), pruned.Count);
        var below = complete.Take(fromComplete).Concat(pruned.Take(fromPruned)).OrderBy(t => t.Number).ToList();
        var above = complete.Skip(fromComplete).Concat(pruned.Skip(fromPruned)).OrderBy(t => t.Number).ToList();
        return (below, above);
    }

    private static (double Step, double Value) PrunedRank(TrialRecord trial, double sign)
    {
        if (trial.LastStep is not { } step)
        {
            return (1, 0);
        }
        double value = trial.IntermediateValues[step];
        return (-step, double.IsNaN(value) ? double.PositiveInfinity : sign * value);
    }

    /// <summary>
    /// The parameter's internal values in the given trials. Trials that did not use the parameter, or used it with
    /// an incompatible distribution (another kind, values outside the range, other categorical choices), are left
    /// out, so a changed search space starts that parameter afresh instead of misreading old values.
    /// </summary>
    private static List<double> Observations(List<TrialRecord> trials, string name, ParamDistribution distribution)
    {
        var values = new List<double>(trials.Count);
        foreach (var trial in trials)
        {
            if (trial.Params.TryGetValue(name, out var param) && IsCompatible(param, distribution))
            {
                values.Add(param.InternalValue);
            }
        }
        return values;
    }

    private static bool IsCompatible(TrialParam param, ParamDistribution distribution) => distribution switch
    {
        CategoricalDistribution => param.Distribution.Equals(distribution),
        _ => param.Distribution.GetType() == distribution.GetType() && distribution.Contains(param.InternalValue),
    };
}
