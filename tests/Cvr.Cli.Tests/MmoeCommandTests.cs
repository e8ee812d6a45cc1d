using System.Text.Json;

namespace Cvr.Cli.Tests;

/// <summary><c>--mmoe</c> through the command line: the deep member trained, bundled, reloaded by predict.</summary>
[Trait("Category", "LightGbm")]
public class MmoeCommandTests
{
    [Fact]
    public void TrainMmoe_ThenPredict_TheBundleNamesTheMemberAndPredictScoresWithIt()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        Cvr.Data.Synthetic.SyntheticData.Generate(data, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.003, Seed: 4));
        File.WriteAllText(dir.File("params.json"), """{"mmoe": {"max_epochs": 2, "experts": 2, "expert_units": 16}}""");

        var (exit, output, err) = CliRunner.Run("train", "--data", data, "--out", dir.File("model"), "--mmoe", "--params", dir.File("params.json"),
            "--threads", "1", "--max-rounds", "10", "--early-stopping", "5", "--no-cache", "--json", "-q");

        Assert.True(exit == ExitCodes.Success, err);
        var report = JsonDocument.Parse(output).RootElement;
        var weights = report.GetProperty("ensemble_weights").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
        Assert.Equal(["Model_e2e-cal", "Model_mmoe-cal", "Model_ts-cal"], weights.Keys.Order());
        Assert.Equal(1, weights.Values.Sum(), 1e-9);
        Assert.Contains(report.GetProperty("validation").GetProperty("models").EnumerateArray(), m => m.GetProperty("model").GetString() == "Model_mmoe-cal");
        var manifest = JsonDocument.Parse(File.ReadAllText(dir.File("model/manifest.json"))).RootElement;
        Assert.InRange(manifest.GetProperty("members").GetProperty("mmoe").GetProperty("details").GetProperty("epochs_run").GetInt32(), 1, 2);

        (exit, _, err) = CliRunner.Run("predict", "--model", dir.File("model"), "--data", data, "--out", dir.File("sub.csv"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.True(File.ReadAllLines(dir.File("sub.csv")).Length > 1);
    }

    [Fact]
    public void TrainMmoe_WithRefit_RefitsTheMemberForItsBestEpochs()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        Cvr.Data.Synthetic.SyntheticData.Generate(data, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.003, Seed: 4));
        File.WriteAllText(dir.File("params.json"), """{"mmoe": {"max_epochs": 2, "experts": 2, "expert_units": 16}}""");

        var (exit, _, err) = CliRunner.Run("train", "--data", data, "--out", dir.File("model"), "--mmoe", "--refit", "--params", dir.File("params.json"),
            "--threads", "1", "--max-rounds", "10", "--early-stopping", "5", "--no-cache", "-q");

        Assert.True(exit == ExitCodes.Success, err);
        var details = JsonDocument.Parse(File.ReadAllText(dir.File("model/manifest.json"))).RootElement.GetProperty("members").GetProperty("mmoe").GetProperty("details");
        Assert.StartsWith("refit on every labelled day", details.GetProperty("stop_reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(details.GetProperty("best_epoch").GetInt32(), details.GetProperty("epochs_run").GetInt32());
        (exit, _, err) = CliRunner.Run("predict", "--model", dir.File("model"), "--data", data, "--out", dir.File("sub.csv"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
    }
}
