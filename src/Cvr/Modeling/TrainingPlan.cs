using Cvr.Data;
using Cvr.LightGbm;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// What a training run does before its first model, in one place for <see cref="TwoStageTrainer"/> (<c>cvr train</c>,
/// <c>cvr run</c>, the backtest, a rank of a data-parallel job) and the tuner: the options checked
/// (<see cref="TrainingOptions.Validate"/>, once per instance), the process's LightGBM thread cap, the day split, and
/// feature selection's kept features. The options stay as the user gave them; <see cref="Kept"/> is what the models
/// see, fitted by <see cref="Inputs"/>.
/// </summary>
public sealed class TrainingPlan
{
    private TrainingPlan(TrainingOptions options, DaySplit split, IReadOnlyList<string>? kept, FeatureSelectionDecision? selection)
    {
        Options = options;
        Split = split;
        Kept = kept;
        Selection = selection;
    }

    public TrainingOptions Options { get; }

    /// <summary>The training days and the validation day.</summary>
    public DaySplit Split { get; }

    /// <summary>The features feature selection kept, in the pipeline's order; null: the feature config's own (all of
    /// them, or its <see cref="Features.FeatureConfig.Keep"/> list).</summary>
    public IReadOnlyList<string>? Kept { get; }

    /// <summary>Why <see cref="Kept"/> holds what it holds; null when nothing was selected.</summary>
    public FeatureSelectionDecision? Selection { get; }

    /// <summary>Checks the options, caps LightGBM's threads, splits the days and selects the features.</summary>
    /// <param name="purpose">What the run is, for the log: "training" or "tuning".</param>
    /// <param name="test">Joins transductive group statistics (the probes' features) when the feature config asks for them.</param>
    /// <param name="kinds">The ensemble member kinds the options may name (none when null).</param>
    /// <exception cref="ConfigurationException">Options that can't be used, or a validation day that isn't there.</exception>
    public static TrainingPlan Make(Frame train, Frame? test, TrainingOptions options, string purpose, ILogger logger, PhaseTimer timer, CancellationToken ct,
        EnsembleMemberKinds? kinds = null)
    {
        options.Validate(kinds);
        if (options.WeightValidationNewAds) { NewAdWeighting.Check(train, test); } // before minutes of feature selection
        LightGbmThreads.SetMax(options.Threads ?? 0); // a process-wide cap: num_threads would be saved in every model
        var split = DaySplit.Of(train, options.ValidationDay, options.Partition?.Shards);
        logger.LogInformation("{Purpose} on days {First}..{Last} ({Rows:N0} rows), validating on day {Day} ({ValidRows:N0} rows)",
            purpose, split.FirstTrainDay, split.LastTrainDay, split.TotalTrainRows, split.ValidationDay, split.ValidationRows.Length);
        var kept = FeatureSelection.Select(train, test, split, options, logger, timer, ct, out var selection);
        return new TrainingPlan(options, split, kept, selection);
    }

    /// <summary>The features fitted on the training rows of <paramref name="split"/> (<see cref="Split"/>, or every
    /// labelled day for a refit) for <see cref="Kept"/>, binned for the models (see <see cref="ModelInputs.Build(Frame, Frame?, DaySplit, TrainingOptions, ILogger, PhaseTimer?, bool, bool, bool, IReadOnlyList{string}?)"/>).</summary>
    public ModelInputs Inputs(Frame train, Frame? test, DaySplit split, ILogger logger, PhaseTimer timer,
        bool retainTrainingMatrix = false, bool keepTrainingFeatures = false)
        => ModelInputs.Build(train, test, split, Options, logger, timer, retainTrainingMatrix, keepTrainingFeatures, kept: Kept);
}
