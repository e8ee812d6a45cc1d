using System.Text.Json;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using Cvr.Modeling.Tuning;
using Cvr.Tuning;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Cvr.Deep;

/// <summary>
/// The MMOE as an ensemble member kind, named "mmoe": its options (<see cref="MmoeOptions"/>, the "mmoe" section of
/// a --params file over <see cref="Defaults"/>), its search space for <c>cvr tune --model mmoe</c>, training on the
/// fitted features of <see cref="ModelInputs"/>, and reloading from the bundle. A program that trains, tunes or
/// scores with it passes it in an <see cref="EnsembleMemberKinds"/> (the CLI does).
/// </summary>
/// <param name="defaults">The options below the --params section (tests use small networks); null: <see cref="MmoeOptions"/>' defaults.</param>
public sealed class MmoeKind(MmoeOptions? defaults = null) : IEnsembleMemberKind
{
    /// <summary>The kind's name: <c>--mmoe</c>, the manifest's member, the --params section, <c>cvr tune --model</c>.</summary>
    public const string KindName = MmoeModel.MemberName;

    public string Name => KindName;

    /// <summary>The options a member gets when its --params section doesn't set them.</summary>
    public MmoeOptions Defaults { get; } = defaults ?? new MmoeOptions();

    /// <summary>The effective options of the member <paramref name="options"/> train: <see cref="Defaults"/> with the
    /// "mmoe" section of its parameters, checked.</summary>
    /// <exception cref="ConfigurationException">An unknown name, a value that doesn't parse or is out of range.</exception>
    public MmoeOptions OptionsFor(TrainingOptions options) => Parse(options.Parameters.GetValueOrDefault(Name), options.ParametersSource);

    public JsonElement Options(IReadOnlyDictionary<string, string>? section, string? source)
        => JsonSerializer.SerializeToElement(Parse(section, source), ModelBundle.Json);

    private MmoeOptions Parse(IReadOnlyDictionary<string, string>? section, string? source)
    {
        var options = section is null ? Defaults : Defaults.WithOverrides(section, source);
        options.Validate();
        return options;
    }

    /// <summary>The deep model's main hyperparameters (<c>cvr tune --model mmoe</c>): Adam's step, the experts'
    /// number and width, the embeddings' width, the batch size and the CVR task's weight in the loss.</summary>
    public SearchSpace SearchSpace() => new SearchSpace()
        .Float("learning_rate", 3e-4, 1e-2, log: true)
        .Int("experts", 2, 8)
        .Categorical("expert_units", 32, 64, 128)
        .Categorical("embedding_dim", 4, 8, 16)
        .Categorical("batch_size", 512, 1024, 2048)
        .Float("weight_cvr", 0.2, 2, log: true);

    /// <summary>A trial's values as the "mmoe" section of a --params file (<see cref="MmoeOptions.WithOverrides"/>):
    /// the space's names are the options' JSON names.</summary>
    public IReadOnlyDictionary<string, string> ToParameters(IReadOnlyDictionary<string, object> values)
        => values.ToDictionary(kv => kv.Key, kv => SearchSpaces.Format(kv.Value), StringComparer.Ordinal);

    public (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct)
        => Train(train, inputs, options, logger, timer, progress, ChunkRows(inputs), ct);

    /// <param name="chunkRows">Training rows encoded at a time (tests make it small): the same model whatever it is.</param>
    internal (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, int chunkRows, CancellationToken ct)
    {
        var validation = inputs.Validation ?? throw new ConfigurationException("the deep model is early-stopped on a validation day: it can't train without one");
        var split = inputs.Split;
        var mmoe = OptionsFor(options);
        if (options.Threads is { } threads) { torch.set_num_threads(threads); }
        var rows = TrainingRows.Of(train, inputs);
        var encoder = timer.Time("mmoe: inputs", () => rows.FitEncoder(inputs.Pipeline, mmoe, chunkRows));
        var validData = timer.Time("mmoe: inputs", () => Data(encoder, validation, train, split.ValidationRows));
        logger.LogInformation("training mmoe: {Categoricals} embedded categoricals ({Vocabulary:N0} rows), {Numerics} numeric inputs, {Experts} experts, device {Device}, up to {Epochs} epochs; {Rows:N0} training rows encoded {Chunk:N0} at a time",
            encoder.Categoricals.Count, encoder.Vocabulary, encoder.NumericWidth, mmoe.Experts, TorchDevice.Selected.type, mmoe.MaxEpochs, rows.Count, chunkRows);
        var model = timer.Time("mmoe: train", () => MmoeTraining.Train(encoder, rows.Encoded(encoder), chunkRows, validData, mmoe, options.Seed, logger, progress, timer, ct));
        var predictions = timer.Time("mmoe: predict", () => model.PredictInstall(validData.Rows));
        return (model, predictions);
    }

    public IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct)
        => Refit(train, inputs, validated, options, logger, timer, progress, ChunkRows(inputs), ct);

    internal IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, int chunkRows, CancellationToken ct)
    {
        var chosen = (MmoeModel)validated;
        if (options.Threads is { } threads) { torch.set_num_threads(threads); }
        var rows = TrainingRows.Of(train, inputs);
        var encoder = timer.Time("mmoe: inputs", () => rows.FitEncoder(inputs.Pipeline, chosen.Options, chunkRows));
        logger.LogInformation("refitting mmoe on {Rows:N0} rows: {Epochs} epochs (the best on the validation day), install estimate {Head}",
            rows.Count, chosen.BestIteration, chosen.Summary.Head);
        return timer.Time("mmoe: train", () => MmoeTraining.Refit(encoder, rows.Encoded(encoder), chunkRows, chosen.Summary, chosen.Options, options.Seed, logger, progress, timer, ct));
    }

    /// <summary>Training rows encoded per chunk: as many as <see cref="StreamedBinning.ChunkValues"/> feature values
    /// (the chunks the bins were streamed in), 60,000 rows at scale 1.0's 276 features.</summary>
    private static int ChunkRows(ModelInputs inputs) => Math.Max(1, StreamedBinning.ChunkValues / Math.Max(1, inputs.Pipeline.FeatureNames.Count));

    private static MmoeData Data(MmoeInputEncoder encoder, FeatureMatrix features, Frame frame, int[] rows)
    {
        var (like, installed) = Labels(frame, rows);
        return new(encoder.Encode(features, frame, rows), like, installed);
    }

    /// <summary>The two labels the tasks learn, like (clicked or installed) and installed, of the frame's rows.</summary>
    private static (byte[] Like, byte[] Installed) Labels(Frame frame, int[] rows)
        => (FeaturePipeline.Select(Targets.Values(frame, Targets.Like), rows), FeaturePipeline.Select(frame.Label(Schema.InstallLabel).Values, rows));

    /// <summary>
    /// The training rows of <see cref="ModelInputs"/>, read chunk by chunk from its kept training features: the
    /// encoder is fitted over chunks in row order, and each training chunk is transformed and encoded when training
    /// asks for it, so neither the feature matrix nor its encoding is ever held whole (at scale 1.0 they would be 3.7
    /// and 4.8 GB).
    /// </summary>
    private sealed class TrainingRows(TrainingFeatures features, Frame frame, int[] frameRows, byte[] like, byte[] installed)
    {
        public int Count => features.Count;

        public static TrainingRows Of(Frame train, ModelInputs inputs)
        {
            var features = inputs.TrainingFeatures
                ?? throw new InvalidOperationException("the deep model reads the training rows from the kept training features (build the inputs with keepTrainingFeatures)");
            var rows = inputs.Split.TrainRows;
            var (like, installed) = Labels(train, rows);
            return new TrainingRows(features, train, rows, like, installed);
        }

        public MmoeInputEncoder FitEncoder(FittedFeaturePipeline pipeline, MmoeOptions options, int chunkRows)
        {
            var fit = new MmoeInputEncoder.Accumulator(pipeline, pipeline.FeatureNames, frame, options);
            // Collected per chunk, as the bins are: uncollected, the heap grew to 6.5 GB over scale 1.0's 56 chunks.
            StreamedBinning.InOrder(Count, chunkRows, positions => fit.Add(features.Transform(positions), FeaturePipeline.Select(frameRows, positions)));
            return fit.Finish();
        }

        public MmoeRows Encoded(MmoeInputEncoder encoder)
            => new(Count, positions => new MmoeData(encoder.Encode(features.Transform(positions), frame, FeaturePipeline.Select(frameRows, positions)),
                FeaturePipeline.Select(like, positions), FeaturePipeline.Select(installed, positions)));
    }

    public IEnsembleMember Load(string directory, BundledMember entry) => MmoeModel.Load(directory);
}
