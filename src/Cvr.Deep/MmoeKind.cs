using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Cvr.Deep;

/// <summary>The MMOE as an ensemble member: trained on the fitted features of <see cref="ModelInputs"/>, reloaded
/// from the bundle. Register it (<see cref="Register"/>) in a program that trains or scores with it.</summary>
public sealed class MmoeKind : IEnsembleMemberKind
{
    public static MmoeKind Instance { get; } = new();

    public string Name => MmoeModel.MemberName;

    public static void Register() => EnsembleMembers.Register(Instance);

    public (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct)
    {
        var matrix = inputs.TrainingMatrix ?? throw new InvalidOperationException("the deep model needs the training matrix (build the inputs with retainTrainingMatrix)");
        var validation = inputs.Validation ?? throw new ConfigurationException("the deep model is early-stopped on a validation day: it can't train without one");
        var split = inputs.Split;
        var mmoe = options.MmoeParameters;
        if (options.Threads is { } threads) { torch.set_num_threads(threads); }
        var (encoder, trainData, validData) = timer.Time("mmoe: inputs", () =>
        {
            var encoder = MmoeInputEncoder.Fit(inputs.Pipeline, matrix, train, split.TrainRows, mmoe);
            return (encoder, Data(encoder, matrix, train, split.TrainRows), Data(encoder, validation, train, split.ValidationRows));
        });
        logger.LogInformation("training mmoe: {Categoricals} embedded categoricals ({Vocabulary:N0} rows), {Numerics} numeric inputs, {Experts} experts, device {Device}, up to {Epochs} epochs",
            encoder.Categoricals.Count, encoder.Vocabulary, encoder.NumericWidth, mmoe.Experts, TorchDevice.Selected.type, mmoe.MaxEpochs);
        var model = timer.Time("mmoe: train", () => MmoeTraining.Train(encoder, trainData, validData, mmoe, options.Seed, logger, progress, ct));
        var predictions = timer.Time("mmoe: predict", () => model.PredictInstall(validData.Rows));
        return (model, predictions);
    }

    public IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct)
    {
        var matrix = inputs.TrainingMatrix ?? throw new InvalidOperationException("the deep model needs the training matrix (build the inputs with retainTrainingMatrix)");
        var chosen = (MmoeModel)validated;
        var rows = inputs.Split.TrainRows;
        if (options.Threads is { } threads) { torch.set_num_threads(threads); }
        var (encoder, data) = timer.Time("mmoe: inputs", () =>
        {
            var encoder = MmoeInputEncoder.Fit(inputs.Pipeline, matrix, train, rows, chosen.Options);
            return (encoder, Data(encoder, matrix, train, rows));
        });
        logger.LogInformation("refitting mmoe on {Rows:N0} rows: {Epochs} epochs (the best on the validation day), install estimate {Head}",
            rows.Length, chosen.BestIteration, chosen.Summary.Head);
        return timer.Time("mmoe: train", () => MmoeTraining.Refit(encoder, data, chosen.Summary, chosen.Options, options.Seed, logger, progress, ct));
    }

    private static MmoeData Data(MmoeInputEncoder encoder, FeatureMatrix features, Frame frame, int[] rows)
        => new(encoder.Encode(features, frame, rows), FeaturePipeline.Select(Targets.Values(frame, Targets.Like), rows),
            FeaturePipeline.Select(frame.Label(Schema.InstallLabel).Values, rows));

    public IEnsembleMember Load(string directory, BundledMember entry) => MmoeModel.Load(directory);
}
