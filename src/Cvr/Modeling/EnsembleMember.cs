using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.Features;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// A model of the ensemble beside the LightGBM boosters (the MMOE of <c>Cvr.Deep</c>): it scores the install
/// probability of rows from the fitted features, and is calibrated (ω) and weighted like Model_ts and Model_e2e.
/// Its engine lives in its own project, so the core library doesn't depend on it; a program registers the kinds
/// it can train and load (<see cref="EnsembleMembers"/>).
/// </summary>
public interface IEnsembleMember : IDisposable
{
    string Name { get; }

    /// <summary>The training round (an epoch for the MMOE) whose state was kept: the best on the validation day.</summary>
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

/// <summary>How to train and reload one kind of <see cref="IEnsembleMember"/>.</summary>
public interface IEnsembleMemberKind
{
    string Name { get; }

    /// <summary>Trains on the training rows of <paramref name="inputs"/> (its retained training matrix),
    /// early-stopped on its validation day; returns the member and its validation-day install probabilities.</summary>
    (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct);

    /// <summary>Trains again on every row of <paramref name="inputs"/> (every labelled day: the refit, without a
    /// validation day) for the rounds <paramref name="validated"/> kept (its <see cref="IEnsembleMember.BestIteration"/>),
    /// as the boosters are refitted with their best iterations; the new member keeps the validated one's choices.</summary>
    IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct);

    /// <summary>Reloads a member from a bundle folder whose checksums were verified.</summary>
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

/// <summary>The member kinds this program can train and load, by name (registered at start-up).</summary>
public static class EnsembleMembers
{
    private static readonly Dictionary<string, IEnsembleMemberKind> s_kinds = new(StringComparer.Ordinal);

    public static void Register(IEnsembleMemberKind kind)
    {
        lock (s_kinds) { s_kinds[kind.Name] = kind; }
    }

    public static IReadOnlyList<string> Names
    {
        get { lock (s_kinds) { return s_kinds.Keys.Order(StringComparer.Ordinal).ToArray(); } }
    }

    public static bool TryGet(string name, out IEnsembleMemberKind kind)
    {
        lock (s_kinds) { return s_kinds.TryGetValue(name, out kind!); }
    }
}
