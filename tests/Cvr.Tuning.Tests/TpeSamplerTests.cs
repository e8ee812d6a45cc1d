using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

public class TpeSamplerTests
{
    private static readonly SearchSpace s_space = new SearchSpace()
        .Float("lr", 1e-4, 1, log: true)
        .Float("frac", 0.1, 1, step: 0.1)
        .Int("leaves", 2, 256, log: true)
        .Int("depth", -1, 12)
        .Categorical("boosting", "gbdt", "dart", "goss");

    private static double Objective(IReadOnlyDictionary<string, object> p) =>
        Math.Pow(Math.Log10((double)p["lr"]) + 2, 2) + (double)p["frac"] + Math.Abs((int)p["depth"] - 6)
        + ((string)p["boosting"] == "dart" ? 0 : 1) + Math.Abs(Math.Log2((int)p["leaves"]) - 5);

    /// <summary>Parameters of every trial, as text, for exact comparison.</summary>
    internal static List<string> Run(Sampler sampler, int trials)
    {
        var study = Study.Create(new StudyOptions { Sampler = sampler, Pruner = new NopPruner() });
        var seen = new List<string>();
        for (int i = 0; i < trials; i++)
        {
            var trial = study.Ask();
            var p = trial.Suggest(s_space);
            seen.Add(string.Join(";", p.Select(kv => $"{kv.Key}={kv.Value:R}")));
            study.Tell(trial, Objective(p));
        }
        return seen;
    }

    [Fact]
    public void Sample_SameSeed_GivesTheSameParameterSequence() =>
        Assert.Equal(Run(new TpeSampler(11), 40), Run(new TpeSampler(11), 40));

    [Fact]
    public void Sample_OtherSeed_GivesAnotherSequence() =>
        Assert.NotEqual(Run(new TpeSampler(11), 15), Run(new TpeSampler(12), 15));

    [Fact]
    public void Sample_StartupTrials_AreRandomThenTpeTakesOver()
    {
        var tpe = Run(new TpeSampler(3), 12);
        var random = Run(new RandomSampler(3), 12);
        Assert.Equal(random.Take(TpeDefaults.StartupTrials), tpe.Take(TpeDefaults.StartupTrials));
        Assert.NotEqual(random[10], tpe[10]);
    }

    [Fact]
    public void Sample_OneDimensionalBowl_ConcentratesNearTheMinimum()
    {
        var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(9), Pruner = new NopPruner() });
        study.Optimize(t => Math.Pow(t.SuggestFloat("x", -10, 10) - 3, 2), 60);
        var late = study.Trials.Skip(40).Select(t => Math.Abs((double)t["x"] - 3)).Order().ToList();
        // Uniform draws on [-10, 10] have a median |x - 3| of 5; TPE's late proposals (1.5 with this seed) cluster
        // at the minimum, though the prior kernel keeps a fifth of the candidates exploring.
        Assert.True(late[late.Count / 2] < 2.5, $"median distance {late[late.Count / 2]}");
    }

    [Fact]
    public void Split_CompleteThenPrunedByStepAndValue_InTrialOrder()
    {
        static TrialRecord Trial(int number, TrialState state, double? value, params (int Step, double Value)[] reports) => new()
        {
            Number = number,
            State = state,
            Params = new Dictionary<string, TrialParam>(),
            Value = value,
            IntermediateValues = reports.ToDictionary(r => r.Step, r => r.Value),
            Start = DateTimeOffset.UnixEpoch,
            UserAttributes = new Dictionary<string, System.Text.Json.JsonElement>(),
        };
        TrialRecord[] history =
        [
            Trial(0, TrialState.Complete, 5),
            Trial(1, TrialState.Pruned, null, (0, 0.1), (3, 0.5)),
            Trial(2, TrialState.Complete, 1),
            Trial(3, TrialState.Pruned, null, (7, 9.0)),
            Trial(4, TrialState.Pruned, null),
            Trial(5, TrialState.Complete, 3),
            Trial(6, TrialState.Pruned, null, (7, 2.0)),
        ];
        var (below, above) = TpeSampler.Split(history, StudyDirection.Minimize, 4);
        // Three complete trials, then the pruned one that got furthest with the better value (6 beats 3).
        Assert.Equal([0, 2, 5, 6], below.Select(t => t.Number));
        Assert.Equal([1, 3, 4], above.Select(t => t.Number));
        var (maxBelow, _) = TpeSampler.Split(history, StudyDirection.Maximize, 2);
        Assert.Equal([0, 5], maxBelow.Select(t => t.Number));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(10, 1)]
    [InlineData(11, 2)]
    [InlineData(100, 10)]
    [InlineData(241, 25)]
    [InlineData(1000, 25)]
    public void Gamma_Default_IsMinOfCeilTenPercentAnd25(int n, int expected) => Assert.Equal(expected, TpeDefaults.Gamma(n));

    [Fact]
    public void Weights_Default_FlatUpTo25ThenRampForOlderTrials()
    {
        Assert.Empty(TpeDefaults.Weights(0));
        Assert.Equal(Enumerable.Repeat(1.0, 25), TpeDefaults.Weights(25));
        Assert.Equal([1.0 / 26, .. Enumerable.Repeat(1.0, 25)], TpeDefaults.Weights(26));
        // numpy.linspace(1/30, 1, 5) = 1/30 + k (29/30) / 4.
        var w = TpeDefaults.Weights(30);
        double[] ramp = [1.0 / 30, 1.0 / 30 + 29.0 / 120, 1.0 / 30 + 58.0 / 120, 1.0 / 30 + 87.0 / 120, 1.0];
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(ramp[i], w[i], 14);
        }
        Assert.All(w.Skip(5), x => Assert.Equal(1.0, x));
    }
}
