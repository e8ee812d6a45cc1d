namespace Cvr.Tuning;

/// <summary>
/// Chooses parameter values. A sampler is a pure function of (seed, trial number, parameter name, distribution,
/// finished history): it keeps no state between calls, so a study reloaded from its file continues with the very
/// values an uninterrupted run would have drawn.
/// </summary>
public abstract class Sampler
{
    private protected Sampler(ulong seed) => Seed = seed;

    /// <summary>Stored in the study file; a study refuses to resume with a different sampler.</summary>
    public abstract string Name { get; }

    public ulong Seed { get; }

    /// <summary>The internal value for one parameter of trial <paramref name="trialNumber"/>.</summary>
    internal abstract double Sample(SamplingRequest request);
}

/// <summary>Everything a sampler may look at; <see cref="History"/> holds every trial so far, finished or not.</summary>
internal sealed record SamplingRequest(
    IReadOnlyList<TrialRecord> History,
    StudyDirection Direction,
    int TrialNumber,
    string Name,
    ParamDistribution Distribution);

/// <summary>
/// Independent uniform draws (on the log scale for log distributions), like Optuna's RandomSampler; also TPE's
/// start-up sampler. Stepped values are drawn uniformly on [low - step/2, high + step/2] and rounded, so every grid
/// point, the ends included, gets the same share.
/// </summary>
public sealed class RandomSampler : Sampler
{
    public RandomSampler(ulong seed = 0)
        : base(seed)
    {
    }

    public override string Name => "random";

    internal override double Sample(SamplingRequest request)
    {
        var rng = TuningRng.For(Seed, request.TrialNumber, request.Name);
        return SampleUniform(ref rng, request.Distribution);
    }

    internal static double SampleUniform(ref TuningRng rng, ParamDistribution distribution)
    {
        if (distribution.IsSingle)
        {
            return distribution is CategoricalDistribution ? 0 : NumericSpace.Of(distribution).Low;
        }
        if (distribution is CategoricalDistribution categorical)
        {
            return rng.NextInt(categorical.Choices.Count);
        }
        var space = NumericSpace.Of(distribution);
        return space.Untransform(space.Lo + rng.NextDouble() * (space.Hi - space.Lo));
    }
}
