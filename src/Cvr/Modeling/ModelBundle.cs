using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>What <c>manifest.json</c> records about one model file.</summary>
public sealed record BundledModel(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("best_iteration")] int BestIteration,
    [property: JsonPropertyName("iterations_run")] int IterationsRun,
    [property: JsonPropertyName("stop_reason")] string StopReason,
    [property: JsonPropertyName("validation_logloss")] double? ValidationLogLoss)
{
    /// <summary>Training and validation logloss per iteration (the training report's learning curve); absent in
    /// bundles written before cvr recorded it.</summary>
    [JsonPropertyName("learning_curve")] public Cvr.LightGbm.Training.LearningCurve? Curve { get; init; }
}

/// <summary>
/// What <c>manifest.json</c> says about the bundle's models: everything scoring reads (<see cref="ScoringModel"/>).
/// The training options stored beside it in the same file (<see cref="BundledOptions"/>) are not part of it: only the
/// training side reads them.
/// </summary>
public sealed record BundleManifest
{
    public const string FormatName = "cvr-model-bundle";
    /// <summary>2: checksums moved from the manifest into SHA256SUMS, which covers the manifest too. 4: a missing
    /// categorical value has its own key in features.json (history, encodings, group statistics and crosses keyed
    /// it as the base columns' fill, 0 by default, before), so a version 2 or 3 bundle would be scored with other
    /// statistics than it was trained on and is refused with advice to retrain.</summary>
    public const int CurrentFormatVersion = 4;

    /// <summary>5: version 4 with ensemble members (<see cref="Members"/>; 3 was version 2 with them); written only
    /// by bundles that have members, so a cvr that doesn't know them refuses the bundle instead of scoring without
    /// them.</summary>
    public const int MembersFormatVersion = 5;

    [JsonPropertyName("format")] public string Format { get; init; } = FormatName;
    [JsonPropertyName("format_version")] public int FormatVersion { get; init; } = CurrentFormatVersion;
    [JsonPropertyName("cvr_version")] public string CvrVersion { get; init; } = ModelBundle.CvrVersion;
    [JsonPropertyName("lightgbm_version")] public string LightGbmVersion { get; init; } = ModelBundle.LightGbmVersion;
    [JsonPropertyName("training_schema")] public required IReadOnlyList<ColumnSpec> TrainingSchema { get; init; }
    [JsonPropertyName("split")] public required DaySplitSummary Split { get; init; }
    [JsonPropertyName("data_fingerprint")] public required string DataFingerprint { get; init; }
    [JsonPropertyName("features_file")] public string FeaturesFile { get; init; } = ModelBundle.FeaturesFile;
    [JsonPropertyName("feature_names")] public required IReadOnlyList<string> FeatureNames { get; init; }
    [JsonPropertyName("models")] public required IReadOnlyDictionary<string, BundledModel> Models { get; init; }
    [JsonPropertyName("omega_ts")] public double OmegaTs { get; init; }
    [JsonPropertyName("omega_e2e")] public double OmegaE2e { get; init; }
    [JsonPropertyName("ensemble_weight_ts")] public double EnsembleWeight { get; init; }
    [JsonPropertyName("members")] public IReadOnlyDictionary<string, BundledMember> Members { get; init; } = new Dictionary<string, BundledMember>();
    [JsonPropertyName("validation_metrics")] public DayMetrics? ValidationMetrics { get; init; }
    [JsonPropertyName("feature_selection")] public FeatureSelectionDecision? Selection { get; init; }

    /// <summary>The validation rows' weighting (<see cref="TrainingOptions.WeightValidationNewAds"/>); absent when the
    /// option is off, so such bundles are the bytes they were before it existed.</summary>
    [JsonPropertyName("validation_weighting")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NewAdWeighting? ValidationWeighting { get; init; }
}

/// <summary>The manifest's <c>options</c>: how the bundle was trained (<see cref="TrainedSystem.Options"/>), read only
/// by <see cref="ModelBundleLoader.Load"/>; the rest of the file is <see cref="BundleManifest"/>.</summary>
internal sealed record BundledOptions([property: JsonPropertyName("options")] TrainingOptions? Options)
{
    public const string PropertyName = "options";
}

public sealed record DaySplitSummary(
    [property: JsonPropertyName("validation_day")] int ValidationDay,
    [property: JsonPropertyName("first_train_day")] int FirstTrainDay,
    [property: JsonPropertyName("last_train_day")] int LastTrainDay,
    [property: JsonPropertyName("train_rows")] int TrainRows,
    [property: JsonPropertyName("validation_rows")] int ValidationRows);

/// <summary>
/// The model bundle: one folder with <c>manifest.json</c>, the fitted feature pipeline (<c>features.json</c>) and
/// one LightGBM text model per model (open them in any LightGBM), and <c>SHA256SUMS</c> over all of them (see
/// <see cref="BundleChecksums"/>), so a corrupted or edited file is caught on load instead of scoring silently wrong.
/// Written atomically.
/// </summary>
public static class ModelBundle
{
    public const string ManifestFile = "manifest.json";
    public const string FeaturesFile = "features.json";
    public const string CvrVersion = "0.1.0";
    public const string LightGbmVersion = "4.7.0";

    internal static readonly JsonSerializerOptions Json = new(FeatureConfigLoader.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    public static void Save(TrainedSystem system, string directory, string dataFingerprint)
    {
        var full = Path.GetFullPath(directory);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, ManifestFile)))
        {
            throw new IOException($"{directory} exists and is not a model bundle; refusing to replace it");
        }
        var temp = IO.AtomicFolder.TemporarySibling(full);
        Directory.CreateDirectory(temp);
        try
        {
            var models = new Dictionary<string, BundledModel>(StringComparer.Ordinal);
            foreach (var (name, model) in system.Models.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var file = name + ".txt";
                var text = model.Booster.SaveToString(iterationCount: model.BestIteration);
                File.WriteAllText(Path.Combine(temp, file), text);
                models[name] = new BundledModel(file, model.BestIteration, model.IterationsRun, model.StopReason, model.ValidationLogLoss) { Curve = model.Curve };
            }
            File.WriteAllText(Path.Combine(temp, FeaturesFile), system.Pipeline.ToJson());
            var members = new Dictionary<string, BundledMember>(StringComparer.Ordinal);
            foreach (var member in system.Members)
            {
                var (files, details) = member.Model.Save(temp);
                members[member.Model.Name] = new BundledMember(member.Model.Name, files, member.Omega, member.Weight, details);
            }
            var manifest = new BundleManifest
            {
                FormatVersion = members.Count == 0 ? BundleManifest.CurrentFormatVersion : BundleManifest.MembersFormatVersion,
                TrainingSchema = system.TrainingSchema.Columns,
                Split = system.Split.Summary(),
                DataFingerprint = dataFingerprint,
                FeatureNames = system.Pipeline.FeatureNames,
                Models = models,
                OmegaTs = system.OmegaTs,
                OmegaE2e = system.OmegaE2e,
                EnsembleWeight = system.EnsembleWeight,
                Members = members,
                ValidationMetrics = system.ValidationMetrics,
                Selection = system.Selection,
                ValidationWeighting = system.ValidationWeighting,
            };
            // The options sit beside the manifest's scoring part, where they always were in the file (before the schema).
            var json = JsonSerializer.SerializeToNode(manifest, Json)!.AsObject();
            json.Insert(json.IndexOf("training_schema"), BundledOptions.PropertyName, JsonSerializer.SerializeToNode(system.Options, Json));
            File.WriteAllText(Path.Combine(temp, ManifestFile), json.ToJsonString(Json));
            BundleChecksums.Write(temp);
            IO.AtomicFolder.MoveIntoPlace(temp, full);
        }
        finally
        {
            IO.AtomicFolder.TryDelete(temp);
        }
    }

    /// <summary>A fingerprint of the training frame's contents (schema and every value), for the manifest.</summary>
    public static string Fingerprint(Frame frame)
    {
        var hash = new System.IO.Hashing.XxHash3();
        hash.Append(System.Text.Encoding.UTF8.GetBytes(frame.Schema.ToString()));
        hash.Append(MemoryMarshal.AsBytes(frame.RowIds.AsSpan()));
        hash.Append(MemoryMarshal.AsBytes(frame.Days.AsSpan()));
        foreach (var c in frame.Categoricals)
        {
            hash.Append(MemoryMarshal.AsBytes(c.Codes.AsSpan()));
            hash.Append(MemoryMarshal.AsBytes(c.Levels.AsSpan()));
        }
        foreach (var c in frame.Numerics) { hash.Append(MemoryMarshal.AsBytes(c.Values.AsSpan())); }
        foreach (var c in frame.Labels) { hash.Append(c.Values); }
        return "xxh3:" + Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
