using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

public class TrialTests
{
    private static Study RandomStudy(ulong seed = 1) =>
        Study.Create(new StudyOptions { Sampler = new RandomSampler(seed), Pruner = new NopPruner() });

    /// <summary>Runs n trials of a one-parameter objective and returns what was suggested.</summary>
    private static List<T> Draw<T>(Study study, int n, Func<Trial, T> suggest)
    {
        var values = new List<T>();
        for (int i = 0; i < n; i++)
        {
            var trial = study.Ask();
            values.Add(suggest(trial));
            study.Tell(trial, i);
        }
        return values;
    }

    [Fact]
    public void SuggestFloat_SameNameTwice_ReturnsSameValue()
    {
        var trial = RandomStudy().Ask();
        double first = trial.SuggestFloat("x", 0, 1);
        Assert.Equal(first, trial.SuggestFloat("x", 0, 1));
    }

    [Fact]
    public void SuggestFloat_SameNameOtherDistribution_ThrowsNamingBoth()
    {
        var trial = RandomStudy().Ask();
        trial.SuggestFloat("x", 0, 1);
        var e = Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("x", 0, 2));
        Assert.Equal("Trial 0: parameter 'x' was suggested from float [0, 1] and now from float [0, 2]; a name keeps one distribution within a trial.", e.Message);
        Assert.Throws<InvalidOperationException>(() => trial.SuggestInt("x", 0, 1));
    }

    [Fact]
    public void SuggestFloat_Step_StaysOnTheGridAndReachesBothEnds()
    {
        var values = Draw(RandomStudy(), 300, t => t.SuggestFloat("x", -1, 1, step: 0.5));
        Assert.All(values, v => Assert.Contains(v, new[] { -1, -0.5, 0, 0.5, 1 }));
        Assert.Contains(-1.0, values);
        Assert.Contains(1.0, values);
    }

    [Fact]
    public void SuggestFloat_HighOffTheGrid_IsLoweredToTheLastGridPoint()
    {
        Assert.Equal(0.9, new FloatDistribution(0, 1, step: 0.3).High, 12);
        Assert.Equal(0.3, new FloatDistribution(0, 0.3, step: 0.1).High);
    }

    [Fact]
    public void SuggestFloat_Log_SpreadsEvenlyOverDecades()
    {
        var values = Draw(RandomStudy(), 400, t => t.SuggestFloat("lr", 1e-4, 1, log: true));
        Assert.All(values, v => Assert.InRange(v, 1e-4, 1));
        // Half the log range lies below 1e-2: a linear sampler would put ~1% there.
        Assert.InRange(values.Count(v => v < 1e-2) / 400.0, 0.4, 0.6);
    }

    [Fact]
    public void SuggestInt_Bounds_AreInclusive()
    {
        var values = Draw(RandomStudy(), 200, t => t.SuggestInt("n", 1, 3));
        Assert.Equal([1, 2, 3], values.Distinct().Order());
    }

    [Fact]
    public void SuggestInt_StepOffTheGrid_StaysOnTheGrid()
    {
        Assert.Equal(9, new IntDistribution(0, 10, step: 3).High);
        var values = Draw(RandomStudy(), 200, t => t.SuggestInt("n", 0, 10, step: 3));
        Assert.Equal([0, 3, 6, 9], values.Distinct().Order());
    }

    [Fact]
    public void SuggestInt_LogUnderTpe_StaysInBoundsAndReachesTheEnds()
    {
        var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(5), Pruner = new NopPruner() });
        var values = Draw(study, 80, t => t.SuggestInt("leaves", 1, 8, log: true));
        Assert.All(values, v => Assert.InRange(v, 1, 8));
        Assert.Contains(1, values);
        Assert.Contains(8, values);
    }

    [Fact]
    public void SuggestCategorical_StringsIntsAndBools_ReturnTheCallersObjects()
    {
        var trial = RandomStudy().Ask();
        Assert.Contains(trial.SuggestCategorical("s", ["gbdt", "dart"]), new[] { "gbdt", "dart" });
        Assert.Contains(trial.SuggestCategorical("i", [15, 31, 63]), new[] { 15, 31, 63 });
        Assert.IsType<bool>(trial.SuggestCategorical("b", [true, false]));
        Assert.Equal("only", trial.SuggestCategorical("one", ["only"]));
    }

    [Fact]
    public void SuggestCategorical_Tpe_ReachesEveryChoice()
    {
        var study = Study.Create(new StudyOptions { Sampler = new TpeSampler(2), Pruner = new NopPruner() });
        var values = Draw(study, 60, t => t.SuggestCategorical("c", ["a", "b", "c"]));
        Assert.Equal(["a", "b", "c"], values.Distinct().Order());
    }

    [Fact]
    public void SuggestCategorical_IntsThenLongs_AreTheSameDistribution()
    {
        var trial = RandomStudy().Ask();
        int first = trial.SuggestCategorical("n", [1, 2, 3]);
        Assert.Equal((long)first, trial.SuggestCategorical("n", [1L, 2L, 3L]));
    }

    [Fact]
    public void Distributions_InvalidDefinitions_Throw()
    {
        Assert.Throws<ArgumentException>(() => new FloatDistribution(0, 1, log: true));
        Assert.Throws<ArgumentException>(() => new FloatDistribution(1, 10, log: true, step: 1));
        Assert.Throws<ArgumentException>(() => new FloatDistribution(2, 1));
        Assert.Throws<ArgumentException>(() => new FloatDistribution(0, 1, step: 0));
        Assert.Throws<ArgumentException>(() => new IntDistribution(1, 10, log: true, step: 2));
        Assert.Throws<ArgumentException>(() => new IntDistribution(0, 10, log: true));
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([]));
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution(["a", "a"]));
        Assert.Throws<ArgumentException>(() => new CategoricalDistribution([new object()]));
    }

    [Fact]
    public void Suggest_SearchSpace_ReturnsEveryParameterInOrderAndRepeatsOnSecondCall()
    {
        var space = new SearchSpace()
            .Float("learning_rate", 1e-3, 0.3, log: true)
            .Int("num_leaves", 15, 255, log: true)
            .Categorical("boosting", "gbdt", "dart");
        var trial = RandomStudy().Ask();
        var values = trial.Suggest(space);
        Assert.Equal(["learning_rate", "num_leaves", "boosting"], values.Keys);
        Assert.IsType<double>(values["learning_rate"]);
        Assert.IsType<int>(values["num_leaves"]);
        Assert.IsType<string>(values["boosting"]);
        Assert.Equal(values, trial.Suggest(space));
        Assert.Throws<ArgumentException>(() => space.Float("learning_rate", 0, 1));
    }

    [Fact]
    public void Report_SameStepTwice_KeepsTheFirstValue()
    {
        var trial = RandomStudy().Ask();
        trial.Report(0, 0.7);
        trial.Report(0, 0.1);
        Assert.Equal(0.7, trial.IntermediateValues[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => trial.Report(-1, 0.5));
    }

    [Fact]
    public void Suggest_FinishedTrial_Throws()
    {
        var study = RandomStudy();
        var trial = study.Ask();
        study.Tell(trial, 1);
        Assert.Throws<InvalidOperationException>(() => trial.SuggestFloat("x", 0, 1));
        Assert.Throws<InvalidOperationException>(() => trial.Report(0, 1));
        Assert.Throws<InvalidOperationException>(() => study.Tell(trial, 2));
    }
}
