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
        var details = manifest.GetProperty("members").GetProperty("mmoe").GetProperty("details");
        var epochs = details.GetProperty("epochs_run").GetInt32();
        Assert.InRange(epochs, 1, 2);
        // The training report draws the member per epoch, from the curve its bundle keeps.
        var section = JsonDocument.Parse(File.ReadAllText(dir.File("model-report/report.json"))).RootElement.GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("name").GetString() == "mmoe");
        Assert.Equal("member", section.GetProperty("kind").GetString());
        foreach (var side in new[] { "training", "validation" })
        {
            Assert.Equal(Values(details.GetProperty("learning_curve").GetProperty(side)), Values(section.GetProperty("learning_curve").GetProperty(side)));
        }
        Assert.Equal(Enumerable.Range(1, epochs), section.GetProperty("learning_curve").GetProperty("iterations").EnumerateArray().Select(e => e.GetInt32()));
        var best = details.GetProperty("best_epoch").GetInt32();
        Assert.Equal(Math.Min(details.GetProperty("validation_logloss_ctcvr").GetDouble(), details.GetProperty("validation_logloss_ctr_x_cvr").GetDouble()),
            section.GetProperty("learning_curve").GetProperty("validation")[best - 1].GetDouble());

        (exit, _, err) = CliRunner.Run("predict", "--model", dir.File("model"), "--data", data, "--out", dir.File("sub.csv"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.True(File.ReadAllLines(dir.File("sub.csv")).Length > 1);
    }

    private static double[] Values(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];

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
