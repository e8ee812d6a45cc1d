using System.Text.Json;

namespace Cvr.Cli.Tests;

/// <summary>Tiny generated data shared by the tune command's tests.</summary>
public sealed class TuneData : IDisposable
{
    public TuneData()
    {
        Directory = new TempDir();
        Path = Directory.File("data");
        Cvr.Data.Synthetic.SyntheticData.Generate(Path, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.003, Seed: 5));
    }

    internal TempDir Directory { get; }

    public string Path { get; }

    public void Dispose() => Directory.Dispose();
}

[Trait("Category", "LightGbm")]
public class TuneCommandTests(TuneData data) : IClassFixture<TuneData>
{
    // One thread: deterministic, and quick on a busy 2-core machine; few rounds so a trial takes well under a second.
    private string[] Args(string outFile, string model, int trials, params string[] more) =>
        ["tune", "--data", data.Path, "--model", model, "--trials", trials.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--out", outFile, "--threads", "1", "--max-rounds", "30", "--early-stopping", "10", "--no-cache", .. more];

    [Fact]
    public void Tune_ThenTrainWithTheFile_RunsEndToEnd()
    {
        using var dir = new TempDir();
        var (exit, stdout, stderr) = CliRunner.Run(Args(dir.File("p.json"), "all", 2));
        Assert.True(exit == 0, stderr);
        Assert.Contains("e2e trial 0 complete", stderr, StringComparison.Ordinal);
        Assert.Contains("install trial 1 ", stderr, StringComparison.Ordinal);
        Assert.Contains($"parameters: {dir.File("p.json")}", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(dir.File("p.json.like.study.json")));

        var (trainExit, _, trainErr) = CliRunner.Run("train", "--data", data.Path, "--out", dir.File("model"), "--params", dir.File("p.json"),
            "--threads", "1", "--max-rounds", "20", "--early-stopping", "5", "--no-baseline", "--no-cache", "-q");
        Assert.True(trainExit == 0, trainErr);
        Assert.True(File.Exists(Path.Combine(dir.File("model"), "e2e.txt")));
    }

    [Fact]
    public void Tune_RerunWithMoreTrials_RunsOnlyTheMissingOnes_AndPrintsJson()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run(Args(dir.File("p.json"), "install", 3, "-q")).Exit);
        var (exit, stdout, stderr) = CliRunner.Run(Args(dir.File("p.json"), "install", 5, "--json", "-q"));

        Assert.True(exit == 0, stderr);
        Assert.Equal("", stderr); // --quiet: no progress lines
        using var report = JsonDocument.Parse(stdout);
        var install = report.RootElement.GetProperty("models")[0];
        Assert.Equal(2, install.GetProperty("trials_run").GetInt32());
        Assert.Equal(5, install.GetProperty("complete").GetInt32() + install.GetProperty("pruned").GetInt32());
        Assert.Equal(dir.File("p.json"), report.RootElement.GetProperty("out").GetString());
    }

    [Fact]
    public void Tune_UnknownModel_IsAUsageError()
    {
        using var dir = new TempDir();
        var (exit, _, stderr) = CliRunner.Run(Args(dir.File("p.json"), "click", 2));
        Assert.Equal(2, exit);
        Assert.Contains("'click'", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("p.json")));
    }

    [Fact]
    public void Tune_Help_ListsTheBoostersAndTheProgramsMemberKinds()
    {
        var (exit, stdout, _) = CliRunner.Run("tune", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--model <all|e2e|install|like|mmoe>", stdout, StringComparison.Ordinal);
        Assert.Contains("or an ensemble member's main hyperparameters: mmoe (the deep model).", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_CorruptedStudy_IsADataErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var study = dir.File("p.json.e2e.study.json");
        File.WriteAllText(study, "not json");
        var (exit, _, stderr) = CliRunner.Run(Args(dir.File("p.json"), "e2e", 2));
        Assert.Equal(3, exit);
        Assert.StartsWith($"error: {study}: not a valid study file", stderr.Split('\n').Single(l => l.StartsWith("error:", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("p.json")));
    }
}
