using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.Features;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// A model of the ensemble beside the LightGBM boosters: it scores the install probability of rows from the fitted
/// features, and is calibrated (ω) and weighted like Model_ts and Model_e2e. Its engine lives in its own assembly,
/// so the core library doesn't depend on it; a program passes the kinds it can train and load
/// (<see cref="EnsembleMemberKinds"/>) to what trains, tunes and loads.
/// </summary>
public interface IEnsembleMember : IDisposable
{
    string Name { get; }

    /// <summary>The training round (an epoch for a neural network) whose state was kept: the best on the validation day.</summary>
    int BestIteration { get; }

    /// <summary>The loss per training round for the training report; null when the member records none.</summary>
    Cvr.LightGbm.Training.LearningCurve? Curve => null;

    /// <summary>Uncalibrated install probabilities of <paramref name="rows"/> of <paramref name="frame"/> (all
    /// when null), whose fitted features are <paramref name="features"/>.</summary>
    double[] PredictInstall(Frame frame, int[]? rows, FeatureMatrix features);

    /// <summary>The member's per-row path (<see cref="RowScorer"/>) for rows of <paramref name="rowSchema"/> whose
    /// fitted features are <paramref name="featureNames"/> (as <see cref="RowTransform"/> writes them). It gives, to
    /// the bit, what <see cref="PredictInstall"/> gives for the same row of a batch. The scorer is used by one thread
    /// at a time (it owns its buffers); a member serves any number of them concurrently.</summary>
    IMemberRowScorer CreateRowScorer(IReadOnlyList<string> featureNames, Schema rowSchema);

    /// <summary>Writes the member's files into a bundle folder (before its SHA256SUMS is written); returns the
    /// files and the member's own description for the manifest.</summary>
    (IReadOnlyList<string> Files, JsonElement Details) Save(string directory);
}

/// <summary>One thread's per-row path of an <see cref="IEnsembleMember"/>.</summary>
public interface IMemberRowScorer
{
    /// <summary>The uncalibrated install probability of one row from its raw values and its fitted features.</summary>
    double PredictInstall(RawRow row, ReadOnlySpan<float> features);
}

/// <summary>
/// One kind of <see cref="IEnsembleMember"/>, whole: its options (its section of a --params file, keyed by
/// <see cref="Name"/>), its search space for <c>cvr tune --model NAME</c>, and how to train, refit and reload it.
/// The core names no kind; a program passes those it knows in an <see cref="EnsembleMemberKinds"/>.
/// </summary>
public interface IEnsembleMemberKind
{
    /// <summary>The kind's name: in <see cref="TrainingOptions.Members"/>, the manifest, the key of its --params
    /// section and the model name of <c>cvr tune</c>.</summary>
    string Name { get; }

    /// <summary>
    /// The member's effective options, as JSON: the kind's defaults overridden by <paramref name="section"/> (its
    /// section of a --params file, null when there is none), parsed and checked. Called before any data is read
    /// (<see cref="TrainingOptions.Validate"/>), so a bad section fails in seconds; the tuner fingerprints the result.
    /// </summary>
    /// <param name="source">The --params file, for messages; null when the section came from code.</param>
    /// <exception cref="ConfigurationException">An unknown name, a value that doesn't parse or is out of range,
    /// naming the file, the section and the parameter.</exception>
    JsonElement Options(IReadOnlyDictionary<string, string>? section, string? source);

    /// <summary>The hyperparameters <c>cvr tune --model NAME</c> searches.</summary>
    Cvr.Tuning.SearchSpace SearchSpace();

    /// <summary>A trial's values (from <see cref="SearchSpace"/>) as entries of the kind's --params section, in the
    /// text <see cref="Options"/> parses.</summary>
    IReadOnlyDictionary<string, string> ToParameters(IReadOnlyDictionary<string, object> values);

    /// <summary>Trains on the training rows of <paramref name="inputs"/> (its kept training features), with the
    /// options of its section of <paramref name="options"/>' parameters, early-stopped on its validation day; returns
    /// the member and its validation-day install probabilities (the tuner scores a trial by their logloss).</summary>
    (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct);

    /// <summary>Trains again on every row of <paramref name="inputs"/> (every labelled day: the refit, without a
    /// validation day) for the rounds <paramref name="validated"/> kept (its <see cref="IEnsembleMember.BestIteration"/>),
    /// as the boosters are refitted with their best iterations; the new member keeps the validated one's choices.</summary>
    IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct);

    /// <summary>Reloads a member from a bundle folder whose checksums were verified. The member's own files hold
    /// the options it was trained with: the manifest's training options don't.</summary>
    /// <exception cref="ModelBundleException">A file is unreadable or doesn't match.</exception>
    IEnsembleMember Load(string directory, BundledMember entry);
}

/// <summary>A trained member with its calibration (ω) and its weight in the ensemble, both from the validation day.</summary>
public sealed record TrainedMember(IEnsembleMember Model, double Omega, double Weight);

/// <summary>What <c>manifest.json</c> records about one ensemble member.</summary>
public sealed record BundledMember(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("files")] IReadOnlyList<string> Files,
    [property: JsonPropertyName("omega")] double Omega,
    [property: JsonPropertyName("weight")] double Weight,
    [property: JsonPropertyName("details")] JsonElement Details);
