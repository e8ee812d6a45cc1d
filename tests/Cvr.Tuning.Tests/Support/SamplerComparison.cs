using Cvr.Tuning;

namespace Cvr.Tuning.Testing;

/// <summary>A test problem for samplers: a search space, the noise-free objective and its known minimum.</summary>
internal sealed record BenchmarkProblem(
    string Name,
    SearchSpace Space,
    Func<IReadOnlyDictionary<string, object>, double> Objective,
    double Minimum,
    double NoiseSd = 0);

/// <summary>
/// Runs samplers on benchmark problems over many seeds and summarises the median best-so-far curve. Shared by the
/// test that pins "TPE beats random search" and by the benchmark that writes bench/results/tpe.md, so both report
/// the same computation.
/// </summary>
internal static class SamplerComparison
{
    /// <summary>
    /// One run: minimises the problem for <paramref name="budget"/> trials. With noise, the study sees noisy values
    /// and picks its incumbent by them; the curve holds the incumbent's noise-free value, what a user would get.
    /// </summary>
    public static double[] BestSoFar(BenchmarkProblem problem, Sampler sampler, int budget)
    {
        var study = Study.Create(new StudyOptions { Name = problem.Name, Sampler = sampler, Pruner = new NopPruner() });
        var curve = new double[budget];
        double bestObserved = double.PositiveInfinity, incumbentTrue = double.PositiveInfinity;
        for (int i = 0; i < budget; i++)
        {
            var trial = study.Ask();
            double truth = problem.Objective(trial.Suggest(problem.Space));
            double observed = truth + problem.NoiseSd * Noise(sampler.Seed, trial.Number);
            study.Tell(trial, observed);
            if (observed < bestObserved)
            {
                bestObserved = observed;
                incumbentTrue = truth;
            }
            curve[i] = incumbentTrue;
        }
        return curve;
    }

    /// <summary>The median over seeds of the best-so-far value after each trial.</summary>
    public static double[] MedianCurve(BenchmarkProblem problem, Func<ulong, Sampler> sampler, IReadOnlyList<ulong> seeds, int budget)
    {
        var runs = seeds.Select(seed => BestSoFar(problem, sampler(seed), budget)).ToArray();
        var median = new double[budget];
        for (int i = 0; i < budget; i++)
        {
            median[i] = PercentilePruner.NanPercentile(runs.Select(r => r[i]), 50);
        }
        return median;
    }

    /// <summary>A standard normal draw fixed by (seed, trial): the same noise for every sampler, so runs pair up.</summary>
    private static double Noise(ulong seed, int trialNumber)
    {
        var rng = TuningRng.For(seed ^ 0xA5A5A5A5UL, trialNumber, "noise");
        return Gaussian.InverseLogCdf(Math.Log(rng.NextOpenDouble()));
    }
}
