using System.Text.Json;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// The one way into a bundle folder (<see cref="Open"/>): the folder read and verified once, its manifest and fitted
/// features parsed from the verified bytes. Two loaders build on it: <see cref="Load"/> for batch work (a
/// <see cref="TrainedSystem"/> with its training options and day split) and <see cref="ScoringModel.Load"/> for
/// serving (no training state, any number of booster copies).
/// </summary>
public static partial class ModelBundleLoader
{
    /// <summary>Opens a bundle for batch work, checking SHA256SUMS over every file before reading any, then the format version.</summary>
    /// <param name="kinds">The member kinds that reload the bundle's ensemble members; a bundle without members
    /// needs none. A member of a kind not here fails the load (<see cref="ModelBundleException"/>).</param>
    public static (TrainedSystem System, BundleManifest Manifest) Load(string directory, EnsembleMemberKinds? kinds = null)
    {
        var bundle = Open(directory);
        var manifest = bundle.Manifest;
        var options = ReadOptions(bundle);
        var boosters = LoadBoosters(bundle);
        List<TrainedMember> members;
        try
        {
            members = LoadMembers(bundle, kinds ?? EnsembleMemberKinds.Empty);
        }
        catch
        {
            foreach (var b in boosters.Values) { b.Dispose(); }
            throw;
        }
        var models = boosters.ToDictionary(kv => kv.Key, kv =>
        {
            var entry = manifest.Models[kv.Key];
            return new TrainedModel(kv.Key, kv.Value, entry.BestIteration, entry.IterationsRun, entry.StopReason, entry.ValidationLogLoss) { Curve = entry.Curve };
        }, StringComparer.Ordinal);
        var split = new DaySplit(manifest.Split.ValidationDay, manifest.Split.FirstTrainDay, manifest.Split.LastTrainDay, [], []);
        var system = new TrainedSystem(options, bundle.Pipeline, models, manifest.OmegaTs, manifest.OmegaE2e, manifest.EnsembleWeight,
            split, new Schema(manifest.TrainingSchema), members) { ValidationMetrics = manifest.ValidationMetrics, Selection = manifest.Selection, ValidationWeighting = manifest.ValidationWeighting };
        return (system, manifest);
    }

    /// <summary>
    /// Reads a bundle folder once: SHA256SUMS checked over every file (each read once, and kept), then the format
    /// version, the manifest and the fitted features, parsed from the verified bytes. Nothing is loaded into
    /// LightGBM yet (<see cref="LoadBoosters"/>, <see cref="LoadMembers"/>).
    /// </summary>
    /// <exception cref="ModelBundleException">The folder is not a bundle of this version, or a file fails the check.</exception>
    internal static OpenedBundle Open(string directory)
    {
        var manifestPath = Path.Combine(directory, ModelBundle.ManifestFile);
        if (!Directory.Exists(directory))
        {
            throw new ModelBundleException($"{directory}: no such model bundle folder");
        }
        if (!File.Exists(manifestPath))
        {
            throw new ModelBundleException($"{directory}: not a model bundle (no {ModelBundle.ManifestFile})");
        }
        if (!File.Exists(Path.Combine(directory, BundleChecksums.FileName)))
        {
            RejectOlderFormat(directory, manifestPath);
        }
        var files = BundleChecksums.Verify(directory);
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(files.Text(ModelBundle.ManifestFile), ModelBundle.Json);
        }
        catch (JsonException e)
        {
            throw CorruptedManifest(manifestPath, e);
        }
        if (manifest is null || manifest.Format != BundleManifest.FormatName)
        {
            throw new ModelBundleException($"{manifestPath}: not a cvr model bundle manifest (expected format '{BundleManifest.FormatName}')");
        }
        if (manifest.FormatVersion is not (BundleManifest.CurrentFormatVersion or BundleManifest.MembersFormatVersion))
        {
            throw UnsupportedVersion(directory, manifest.FormatVersion, manifest.CvrVersion);
        }
        FittedFeaturePipeline pipeline;
        try
        {
            pipeline = FittedFeaturePipeline.FromJson(files.Text(manifest.FeaturesFile));
        }
        catch (JsonException e)
        {
            throw new ModelBundleException($"{files.PathOf(manifest.FeaturesFile)}: corrupted feature pipeline ({e.Message})");
        }
        foreach (var required in new[] { ModelNames.EndToEnd, ModelNames.Like, ModelNames.Install })
        {
            if (!manifest.Models.ContainsKey(required))
            {
                throw new ModelBundleException($"{manifestPath}: the bundle has no '{required}' model");
            }
        }
        return new OpenedBundle(files, manifestPath, manifest, pipeline);
    }

    /// <summary>One copy of every booster of the bundle, from the verified model texts (call again for another copy).</summary>
    internal static Dictionary<string, Booster> LoadBoosters(OpenedBundle bundle)
    {
        var boosters = new Dictionary<string, Booster>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, entry) in bundle.Manifest.Models)
            {
                boosters[name] = Booster.LoadFromUtf8(bundle.Files.Bytes(entry.File));
            }
        }
        catch
        {
            foreach (var b in boosters.Values) { b.Dispose(); }
            throw;
        }
        return boosters;
    }

    /// <summary>The ensemble members, each reloaded by its kind of <paramref name="kinds"/> from the bundle folder (whose
    /// files <see cref="Open"/> verified).</summary>
    internal static List<TrainedMember> LoadMembers(OpenedBundle bundle, EnsembleMemberKinds kinds)
    {
        var members = new List<TrainedMember>();
        try
        {
            foreach (var (name, entry) in bundle.Manifest.Members.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!kinds.TryGet(entry.Kind, out var kind))
                {
                    throw new ModelBundleException($"{bundle.ManifestPath}: ensemble member '{name}' is of kind '{entry.Kind}', which this program can't load "
                        + $"(it was given {(kinds.Names.Count == 0 ? "no member kinds" : "the kinds " + string.Join(", ", kinds.Names))}); "
                        + $"load the bundle with an {nameof(EnsembleMemberKinds)} that holds the '{entry.Kind}' kind, from the assembly that implements it");
                }
                foreach (var file in entry.Files) { _ = bundle.Files.Bytes(file); }
                members.Add(new TrainedMember(kind.Load(bundle.Files.Directory, entry), entry.Omega, entry.Weight));
            }
        }
        catch
        {
            foreach (var m in members) { m.Model.Dispose(); }
            throw;
        }
        return members;
    }

    /// <summary>The manifest's training options (<see cref="BundledOptions"/>), which only the batch side reads.</summary>
    private static TrainingOptions ReadOptions(OpenedBundle bundle)
    {
        try
        {
            return JsonSerializer.Deserialize<BundledOptions>(bundle.Files.Text(ModelBundle.ManifestFile), ModelBundle.Json)?.Options
                ?? throw new ModelBundleException($"{bundle.ManifestPath}: corrupted manifest (no '{BundledOptions.PropertyName}')");
        }
        catch (JsonException e)
        {
            throw CorruptedManifest(bundle.ManifestPath, e);
        }
    }

    private static ModelBundleException CorruptedManifest(string manifestPath, JsonException e)
        => new($"{manifestPath}: corrupted manifest ({e.Message.Split(" Path:")[0]} at {e.Path})");

    /// <summary>
    /// Bundles before format version 2 kept their checksums in the manifest and have no SHA256SUMS: peek at the
    /// manifest's version only to say so plainly. Nothing read here is trusted; without SHA256SUMS the load fails
    /// either way.
    /// </summary>
    private static void RejectOlderFormat(string directory, string manifestPath)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(manifestPath));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String
                && format.GetString() == BundleManifest.FormatName
                && json.RootElement.TryGetProperty("format_version", out var version) && version.TryGetInt32(out var v)
                && v < BundleManifest.CurrentFormatVersion)
            {
                var by = json.RootElement.TryGetProperty("cvr_version", out var cvr) && cvr.ValueKind == JsonValueKind.String ? cvr.GetString() : "?";
                throw UnsupportedVersion(directory, v, by);
            }
        }
        catch (JsonException)
        {
            // not a readable manifest: the missing SHA256SUMS is the error to report
        }
    }

    private static ModelBundleException UnsupportedVersion(string directory, int version, string? writtenBy) => new(
        $"{directory}: bundle format version {version} (written by cvr {writtenBy}) is not supported; this cvr {ModelBundle.CvrVersion} reads version {BundleManifest.CurrentFormatVersion}. Retrain the model with this version.");

    /// <summary>Checks that data to score has the columns the model was trained with.</summary>
    public static void CheckColumns(BundleManifest manifest, Frame frame, string display)
    {
        var missing = manifest.TrainingSchema.Where(c => c.Kind != ColumnKind.Label && !frame.Schema.Contains(c.Name)).Select(c => c.Name).ToArray();
        if (missing.Length > 0)
        {
            throw DataError.Line(display, 1, $"the header lacks {string.Join(", ", missing)} (expected the columns the model was trained with)");
        }
        var extra = frame.Schema.Columns.Where(c => c.Kind != ColumnKind.Label && !manifest.TrainingSchema.Any(t => t.Name == c.Name)).Select(c => c.Name).ToArray();
        if (extra.Length > 0)
        {
            throw DataError.Line(display, 1, $"the header has {string.Join(", ", extra)}, which the model's training data lacked (expected the training columns)");
        }
    }
}
