using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Cvr.Deep;

/// <summary>What training learned about the model on the validation day, kept in the bundle.</summary>
internal sealed record MmoeSummary(
    [property: JsonPropertyName("head")] string Head,
    [property: JsonPropertyName("best_epoch")] int BestEpoch,
    [property: JsonPropertyName("epochs_run")] int EpochsRun,
    [property: JsonPropertyName("stop_reason")] string StopReason,
    [property: JsonPropertyName("validation_logloss_ctcvr")] double ValidationLogLossCtcvr,
    [property: JsonPropertyName("validation_logloss_ctr_x_cvr")] double ValidationLogLossProduct,
    [property: JsonPropertyName("learning_curve")] Cvr.LightGbm.Training.LearningCurve? Curve = null);

/// <summary>The configuration file written beside the weights: the architecture, the fitted inputs, the summary.</summary>
internal sealed record MmoeFile(
    [property: JsonPropertyName("options")] MmoeOptions Options,
    [property: JsonPropertyName("inputs")] MmoeInputEncoder Inputs,
    [property: JsonPropertyName("summary")] MmoeSummary Summary);

/// <summary>A trained MMOE: the network, its fitted inputs and the install head chosen on the validation day.</summary>
internal sealed class MmoeModel(MmoeNetwork network, MmoeInputEncoder inputs, MmoeOptions options, MmoeSummary summary) : IEnsembleMember
{
    public const string MemberName = "mmoe";
    public const string ConfigFile = "mmoe.json";
    public const string WeightsFile = "mmoe.weights";

    private static readonly JsonSerializerOptions s_json = new(ModelBundle.Json) { WriteIndented = true };

    public string Name => MemberName;

    public int BestIteration => Summary.BestEpoch;

    /// <summary>Per epoch: the epoch's mean multi-task training loss, and the validation day's install logloss of
    /// the better head (the value early stopping watches).</summary>
    public Cvr.LightGbm.Training.LearningCurve? Curve => Summary.Curve;

    public MmoeNetwork Network { get; } = network;

    public MmoeInputEncoder Inputs { get; } = inputs;

    public MmoeOptions Options { get; } = options;

    public MmoeSummary Summary { get; } = summary;

    /// <summary>How the trained network scores rows, batch or one at a time (the same bits either way).</summary>
    public MmoeForward Scoring { get; } = new(network, inputs.Categoricals.Count, inputs.NumericWidth, options);

    public double[] PredictInstall(Frame frame, int[]? rows, FeatureMatrix features) => PredictInstall(Inputs.Encode(features, frame, rows));

    public double[] PredictInstall(EncodedRows rows) => Scoring.PredictHeads(rows).Install(Summary.Head);

    public IMemberRowScorer CreateRowScorer(IReadOnlyList<string> featureNames, Schema rowSchema) => new MmoeRowScorer(this, featureNames, rowSchema);

    public (IReadOnlyList<string> Files, JsonElement Details) Save(string directory)
    {
        File.WriteAllText(Path.Combine(directory, ConfigFile), JsonSerializer.Serialize(new MmoeFile(Options, Inputs, Summary), s_json));
        Network.save(Path.Combine(directory, WeightsFile));
        return ([ConfigFile, WeightsFile], JsonSerializer.SerializeToElement(Summary, s_json));
    }

    /// <exception cref="ModelBundleException">The configuration is unreadable or the weights don't fit it.</exception>
    public static MmoeModel Load(string directory)
    {
        var configPath = Path.Combine(directory, ConfigFile);
        var weightsPath = Path.Combine(directory, WeightsFile);
        foreach (var path in new[] { configPath, weightsPath })
        {
            if (!File.Exists(path)) { throw new ModelBundleException($"{path}: missing from the bundle"); }
        }
        MmoeFile file;
        try
        {
            file = JsonSerializer.Deserialize<MmoeFile>(File.ReadAllText(configPath), s_json)
                ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new ModelBundleException($"{configPath}: corrupted deep model configuration ({e.Message})");
        }
        var network = MmoeTraining.CreateNetwork(file.Inputs, file.Options, seed: 0);
        try
        {
            network.load(weightsPath);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            network.Dispose();
            throw new ModelBundleException($"{weightsPath}: the weights don't match the deep model's configuration ({e.Message})");
        }
        return new MmoeModel(network, file.Inputs, file.Options, file.Summary);
    }

    public void Dispose() => Network.Dispose();
}

/// <summary>Tensors of encoded rows, on the selected device.</summary>
internal static class MmoeTensors
{
    public static (Tensor Categories, Tensor Numerics) Slice(EncodedRows rows, int start, int count)
    {
        var categories = tensor(rows.Categories.AsSpan(start * rows.CategoricalWidth, count * rows.CategoricalWidth).ToArray(),
            [count, rows.CategoricalWidth], ScalarType.Int32).to_type(ScalarType.Int64).to(TorchDevice.Selected);
        var numerics = tensor(rows.Numerics.AsSpan(start * rows.NumericWidth, count * rows.NumericWidth).ToArray(),
            [count, rows.NumericWidth], ScalarType.Float32).to(TorchDevice.Selected);
        return (categories, numerics);
    }
}
