using System.Text.Json;
using Cvr.Tuning;

namespace Cvr.Tuning.Tests;

public class StudyFileTests
{
    private static StudyOptions Options(ulong seed = 3) => new() { Name = "demo", Sampler = new TpeSampler(seed), Pruner = new NopPruner() };

    private static readonly SearchSpace s_space = new SearchSpace()
        .Float("lr", 1e-4, 1, log: true)
        .Float("frac", 0.1, 1, step: 0.1)
        .Int("leaves", 2, 256, log: true)
        .Categorical("boosting", "gbdt", "dart")
        .Categorical("scale", 1.0, 2.0, 10.0)
        .Categorical("bagging", true, false);

    private static double Objective(Trial trial)
    {
        var p = trial.Suggest(s_space);
        trial.Report(0, (double)p["lr"]);
        return Math.Abs(Math.Log10((double)p["lr"]) + 2) + (double)p["frac"] + Math.Abs(Math.Log2((int)p["leaves"]) - 5)
            + ((bool)p["bagging"] ? 0 : 0.5) + (double)p["scale"] / 10;
    }

    private static List<string> Fingerprint(Study study) =>
        [.. study.Trials.Select(t => $"{t.Number} {t.State} {t.Value:R} " + string.Join(";", t.Params.Select(p => $"{p.Key}={p.Value.Value:R}")))];

    [Fact]
    public void Open_ResumedBetweenTrials_ContinuesExactlyLikeAnUninterruptedRun()
    {
        using var dir = new TempDir();
        var uninterrupted = Study.Create(Options());
        uninterrupted.Optimize(Objective, 30);

        var path = dir.File("study.json");
        Study.Open(path, Options()).Optimize(Objective, 12);
        var resumed = Study.Open(path, Options());
        Assert.Equal(12, resumed.Trials.Count);
        resumed.Optimize(Objective, 18);

        Assert.Equal(Fingerprint(uninterrupted), Fingerprint(resumed));
        Assert.Equal(Fingerprint(resumed), Fingerprint(Study.Open(path, Options())));
    }

    [Fact]
    public void Open_RunningTrialInTheFile_MarksItFailedAndContinuesNumbering()
    {
        using var dir = new TempDir();
        var path = dir.File("study.json");
        var study = Study.Open(path, Options());
        study.Optimize(Objective, 2);
        var killed = study.Ask();
        killed.SuggestFloat("lr", 1e-4, 1, log: true);
        // The process "dies" here: the file holds trial 2 as running.

        var resumed = Study.Open(path, Options());
        Assert.Equal(TrialState.Failed, resumed.Trials[2].State);
        Assert.Equal(Study.InterruptedReason, resumed.Trials[2].FailReason);
        Assert.Equal(3, resumed.Ask().Number);
    }

    [Fact]
    public void SaveThenLoad_EveryKindOfValue_RoundTrips()
    {
        using var dir = new TempDir();
        var path = dir.File("sub/study.json");
        var study = Study.Open(path, Options() with { Direction = StudyDirection.Maximize });
        var trial = study.Ask();
        var suggested = trial.Suggest(s_space);
        trial.Report(0, double.NaN);
        trial.Report(3, double.PositiveInfinity);
        trial.Report(7, 0.1 + 0.2);
        trial.SetUserAttribute("best_iteration", 412);
        trial.SetUserAttribute("note", "ok");
        study.Tell(trial, double.NegativeInfinity);
        study.TellFailed(study.Ask(), "out of memory");

        var loaded = Study.Open(path, Options() with { Direction = StudyDirection.Maximize });
        var first = loaded.Trials[0];
        Assert.Equal(suggested, first.Params.ToDictionary(p => p.Key, p => p.Value.Value));
        Assert.Equal(study.Trials[0].Params.Values.Select(p => p.Distribution), first.Params.Values.Select(p => p.Distribution));
        Assert.IsType<double>(first["scale"]);
        Assert.Equal(double.NegativeInfinity, first.Value);
        Assert.Equal([0, 3, 7], first.IntermediateValues.Keys);
        Assert.True(double.IsNaN(first.IntermediateValues[0]));
        Assert.Equal(0.1 + 0.2, first.IntermediateValues[7]);
        Assert.Equal(412, first.UserAttributes["best_iteration"].GetInt32());
        Assert.Equal(study.Trials[0].Start, first.Start);
        Assert.Equal("out of memory", loaded.Trials[1].FailReason);
        Assert.Equal(["study.json"], Directory.GetFiles(dir.File("sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_File_HoldsTheDocumentedFields()
    {
        using var dir = new TempDir();
        var path = dir.File("study.json");
        Study.Open(path, Options(seed: 17)).Optimize(Objective, 1);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal("demo", root.GetProperty("name").GetString());
        Assert.Equal("minimize", root.GetProperty("direction").GetString());
        Assert.Equal("tpe", root.GetProperty("sampler").GetProperty("name").GetString());
        Assert.Equal(17UL, root.GetProperty("sampler").GetProperty("seed").GetUInt64());
        var trial = root.GetProperty("trials")[0];
        Assert.Equal("complete", trial.GetProperty("state").GetString());
        Assert.Equal("float", trial.GetProperty("params").GetProperty("lr").GetProperty("distribution").GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Number, trial.GetProperty("intermediate").GetProperty("0").ValueKind);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("")]
    [InlineData("[]")]
    public void Open_CorruptedFile_ThrowsNamingTheFile(string content)
    {
        using var dir = new TempDir();
        var path = dir.Write("study.json", content);
        var e = Assert.Throws<StudyFileException>(() => Study.Open(path, Options()));
        Assert.StartsWith($"{path}: not a valid study file: ", e.Message);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public void Open_TruncatedFile_ThrowsNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.File("study.json");
        Study.Open(path, Options()).Optimize(Objective, 3);
        var text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length / 2)]);
        var e = Assert.Throws<StudyFileException>(() => Study.Open(path, Options()));
        Assert.StartsWith($"{path}: not a valid study file: ", e.Message);
    }

    [Fact]
    public void Open_BadState_NamesTheField()
    {
        using var dir = new TempDir();
        var path = dir.File("study.json");
        Study.Open(path, Options()).Optimize(Objective, 1);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"complete\"", "\"finished\""));
        var e = Assert.Throws<StudyFileException>(() => Study.Open(path, Options()));
        Assert.Equal($"{path}: not a valid study file: trials[0].state: 'finished' is not running, complete, pruned or failed", e.Message);
    }

    [Fact]
    public void Open_OtherSeed_RefusesToResume()
    {
        using var dir = new TempDir();
        var path = dir.File("study.json");
        Study.Open(path, Options(seed: 1)).Optimize(Objective, 1);
        var e = Assert.Throws<InvalidOperationException>(() => Study.Open(path, Options(seed: 2)));
        Assert.Equal($"{path}: the saved study has sampler tpe seed 1, not tpe seed 2; open it with the options it was created with.", e.Message);
    }
}
