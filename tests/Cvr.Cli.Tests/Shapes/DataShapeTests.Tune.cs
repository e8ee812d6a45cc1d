using System.Text.Json;

namespace Cvr.Cli.Tests.Shapes;

/// <summary><c>cvr tune</c> and the MMOE member (TorchSharp) on shapes, under the heap checker.</summary>
public partial class DataShapeTests
{
    /// <summary>Two TPE trials of each LightGBM model (e2e, like, install: stage 2's own Dataset at each trial's
    /// max_bin), then <c>cvr train --params</c> with the file the study wrote.</summary>
    [Theory]
    [InlineData("numerics-dense-on-liked-rows")]
    [InlineData("every-feature-constant")]
    [InlineData("thirty-liked-rows")]
    public void Tune_Shape_WritesParametersThatTrain(string name)
    {
        using var dir = new TempDir();
        DataShapes.Named(name).Build().Write(dir.File("data"));
        var (exit, _, err) = HeapCheckedCli.Run(Timeout, "tune", "--data", dir.File("data"), "--model", "all", "--trials", "2", "--out", dir.File("p.json"),
            "--max-rounds", "20", "--early-stopping", "5", "--select-features", "0", "-q");
        HeapCheckedCli.AssertExit("tune", exit, err);
        Assert.Equal(["e2e", "install", "like"], JsonDocument.Parse(File.ReadAllText(dir.File("p.json"))).RootElement.EnumerateObject().Select(p => p.Name).Order());

        AssertTrainsAndPredicts(dir, "--params", dir.File("p.json"), "--max-rounds", "20", "--select-features", "0");
    }

    /// <summary>The MMOE (TorchSharp; one epoch, a small network) as a third member on shapes that stress its encoder:
    /// numerics at float32's limits (standardisation), every feature missing or constant (zero deviation).</summary>
    [Theory]
    [InlineData("extreme-and-subnormal-numerics")]
    [InlineData("numerics-at-float-max-everywhere")]
    [InlineData("every-feature-missing")]
    [InlineData("every-feature-constant")]
    [InlineData("thirty-liked-rows")]
    public void TrainMmoe_Shape_TrainsAndPredicts(string name)
    {
        using var dir = new TempDir();
        DataShapes.Named(name).Build().Write(dir.File("data"));
        File.WriteAllText(dir.File("params.json"), """{"mmoe": {"max_epochs": 1, "experts": 2, "expert_units": 16}}""");
        AssertTrainsAndPredicts(dir, "--mmoe", "--params", dir.File("params.json"), "--max-rounds", "20", "--select-features", "0");
    }

    /// <summary>A learning rate that makes the MMOE's outputs NaN from the first epoch: no epoch to keep, refused as a
    /// configuration error naming the parameter (TorchSharp's load_state_dict(null) threw a NullReferenceException,
    /// exit 1).</summary>
    [Fact]
    public void TrainMmoe_DivergingLearningRate_IsRefusedNamingIt()
    {
        using var dir = new TempDir();
        ShapeData.Plain(2_000).Write(dir.File("data"));
        File.WriteAllText(dir.File("params.json"), """{"mmoe": {"max_epochs": 1, "experts": 2, "expert_units": 16, "learning_rate": 1e30}}""");
        AssertTrainRefuses(dir, new Refusal(ExitCodes.Usage, "the deep model diverged", "learning_rate 1E+30"),
            "--mmoe", "--params", dir.File("params.json"), "--max-rounds", "20", "--select-features", "0");
    }
}
