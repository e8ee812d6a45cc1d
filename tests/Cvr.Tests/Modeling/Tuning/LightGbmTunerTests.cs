using Cvr.Data;
using Cvr.Modeling;
using Cvr.Modeling.Tuning;
using Cvr.Tuning;

namespace Cvr.Tests.Modeling.Tuning;

[Trait("Category", "LightGbm")]
public class LightGbmTunerTests(TuningFixture fixture) : IClassFixture<TuningFixture>
{
    [Fact]
    public void Run_ThreeTrialsThenFive_ResumesWithTheTwoMissing()
    {
        using var dir = new TempDir();
        var tune = new TuneOptions { Model = ModelNames.EndToEnd, Trials = 3, OutFile = dir.File("p.json") };
        var first = fixture.Tune(tune).Models.Single();
        var second = fixture.Tune(tune with { Trials = 5 }).Models.Single();

        Assert.Equal(3, first.TrialsRun);
        Assert.Equal(2, second.TrialsRun);
        var saved = StudyFile.Load(tune.StudyPath(ModelNames.EndToEnd));
        Assert.Equal([0, 1, 2, 3, 4], saved.Trials.Select(t => t.Number));
        Assert.All(saved.Trials, t => Assert.True(t.State is TrialState.Complete or TrialState.Pruned));
        // An uninterrupted run of five proposes the very same parameters (the samplers read only the saved history).
        using var other = new TempDir();
        fixture.Tune(tune with { Trials = 5, OutFile = other.File("p.json") });
        Assert.Equal(Params(saved), Params(StudyFile.Load(other.File("p.json.e2e.study.json"))));
    }

    [Fact]
    public void Run_SameSeed_SameTrialsAndFile_OtherSeed_OtherTrials()
    {
        using var dir = new TempDir();
        var tune = new TuneOptions { Model = ModelNames.Like, Trials = 3, OutFile = dir.File("a.json"), Prune = false };
        var a = fixture.Tune(tune);
        var b = fixture.Tune(tune with { OutFile = dir.File("b.json") });
        var c = fixture.Tune(tune with { OutFile = dir.File("c.json") }, fixture.Training with { Seed = 7 });

        Assert.Equal(Params(StudyFile.Load(dir.File("a.json.like.study.json"))), Params(StudyFile.Load(dir.File("b.json.like.study.json"))));
        Assert.Equal(a.Models[0].BestValue, b.Models[0].BestValue);
        Assert.Equal(File.ReadAllText(dir.File("a.json")), File.ReadAllText(dir.File("b.json")));
        Assert.NotEqual(Params(StudyFile.Load(dir.File("a.json.like.study.json"))), Params(StudyFile.Load(dir.File("c.json.like.study.json"))));
        Assert.NotNull(c.Models[0].BestValue);
    }

    [Fact]
    public void Run_AggressivePruner_PrunesTrialsWhileLightGbmTrains()
    {
        using var dir = new TempDir();
        var tune = new TuneOptions { Model = ModelNames.Install, Trials = 6, OutFile = dir.File("p.json"), PruneStartupTrials = 1, PruneWarmupSteps = 0 };
        var result = fixture.Tune(tune).Models.Single();

        Assert.True(result.Pruned > 0, $"no trial of {result.Complete} was pruned");
        Assert.Equal(6, result.Complete + result.Pruned);
        var pruned = StudyFile.Load(result.Study).Trials.Where(t => t.State == TrialState.Pruned).ToList();
        // Pruned during training: it reported some iterations, but fewer than the round limit.
        Assert.All(pruned, t => Assert.InRange(t.IntermediateValues.Count, 1, fixture.Training.Rounds - 1));
    }

    [Fact]
    public void Run_All_WritesEveryModelInTrainsParamsFormat_AndTrainAcceptsIt()
    {
        using var dir = new TempDir();
        var baseParams = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["all"] = new Dictionary<string, string> { ["min_gain_to_split"] = "0" } };
        var training = fixture.Training with { Parameters = baseParams };
        var report = fixture.Tune(new TuneOptions { Model = "all", Trials = 2, OutFile = dir.File("p.json") }, training);

        Assert.Equal(["e2e", "like", "install"], report.Models.Select(m => m.Model));
        var tuned = new TrainingOptions { Parameters = ParametersFile.Read(dir.File("p.json")) };
        Assert.Equal(["all", "e2e", "like", "install"], tuned.Parameters.Keys);
        var e2e = tuned.ParametersFor(ModelNames.EndToEnd);
        Assert.Equal(double.Parse(report.Models[0].Parameters!["learning_rate"], System.Globalization.CultureInfo.InvariantCulture), e2e.LearningRate);
        Assert.Equal(0, e2e.MinGainToSplit);
        Assert.NotNull(e2e.MaxBin);
        Assert.DoesNotContain("max_bin", tuned.Parameters["like"].Keys); // like and install use e2e's bins in train
        // The file drives a real training run.
        var trained = Workflow.Train(fixture.DataDir, dir.File("model"), tuned with { MaxRounds = 20, EarlyStoppingRounds = 5, Threads = 1, Baseline = false },
            fixture.DataOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new PhaseTimer(), CancellationToken.None);
        Assert.InRange(trained.Validation!.Models[0].LogLoss, 0.05, 0.9);
    }

    [Fact]
    public void Run_Timeout_StopsStartingTrials()
    {
        using var dir = new TempDir();
        var report = fixture.Tune(new TuneOptions { Model = ModelNames.Install, Trials = 10_000, OutFile = dir.File("p.json"), Timeout = TimeSpan.FromSeconds(1) });

        Assert.True(report.TimedOut);
        Assert.InRange(report.Models[0].TrialsRun, 0, 9_999);
    }

    [Fact]
    public void Run_CorruptedStudy_NamesTheFile()
    {
        using var dir = new TempDir();
        var tune = new TuneOptions { Model = ModelNames.EndToEnd, Trials = 1, OutFile = dir.File("p.json") };
        File.WriteAllText(tune.StudyPath(ModelNames.EndToEnd), "{\"format\": \"cvr-study/1\"");

        var e = Assert.Throws<Cvr.Data.DataFormatException>(() => fixture.Tune(tune)); // a study file is input data (exit 3)
        Assert.Equal(tune.StudyPath(ModelNames.EndToEnd), e.File);
        Assert.StartsWith($"{tune.StudyPath(ModelNames.EndToEnd)}: not a valid study file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ResumeWithOtherTrainingSettings_IsRefused()
    {
        using var dir = new TempDir();
        var tune = new TuneOptions { Model = ModelNames.Like, Trials = 1, OutFile = dir.File("p.json") };
        fixture.Tune(tune);

        var e = Assert.Throws<ConfigurationException>(() => fixture.Tune(tune with { Trials = 2 }, fixture.Training with { MaxRounds = 30 }));
        Assert.Equal($"{tune.StudyPath(ModelNames.Like)}: trial 0 was run on other data or training settings; delete the study or choose another --out to start afresh", e.Message);
    }

    [Fact]
    public void Trial_AndTrainWithTheTrialsParameters_GiveTheSameValidationLogLoss()
    {
        using var dir = new TempDir();
        var training = fixture.Training with { Baseline = false };
        var report = fixture.Tune(new TuneOptions { Model = "all", Trials = 3, OutFile = dir.File("p.json"), Prune = false }, training);
        var tuned = training with { Parameters = ParametersFile.Read(dir.File("p.json")) };
        Workflow.Train(fixture.DataDir, dir.File("model"), tuned, fixture.DataOptions, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            new PhaseTimer(), CancellationToken.None);
        var (system, manifest) = ModelBundleLoader.Load(dir.File("model"));
        system.Dispose();
        Assert.Equal(3, report.Models.Count);
        foreach (var result in report.Models)
        {
            // Same data path, same parameters: the same model, to the last bit of its validation logloss.
            Assert.NotNull(result.BestValue);
            Assert.Equal(result.BestValue, manifest.Models[result.Model].ValidationLogLoss);
            Assert.Equal(result.BestIteration, manifest.Models[result.Model].BestIteration);
        }
    }

    private static List<string> Params(SavedStudy study) =>
        [.. study.Trials.Select(t => string.Join(' ', t.Params.Select(p => $"{p.Key}={p.Value.InternalValue:R}")))];
}
