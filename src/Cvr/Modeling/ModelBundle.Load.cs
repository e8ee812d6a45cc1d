using System.Text.Json;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

public static partial class ModelBundleLoader
{
    /// <summary>Opens a bundle, checking SHA256SUMS over every file before reading any, then the format version.</summary>
    /// <param name="kinds">The member kinds that reload the bundle's ensemble members; a bundle without members
    /// needs none. A member of a kind not here fails the load (<see cref="ModelBundleException"/>).</param>
    public static (TrainedSystem System, BundleManifest Manifest) Load(string directory, EnsembleMemberKinds? kinds = null)
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
        BundleChecksums.Verify(directory);
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(manifestPath), ModelBundle.Json);
        }
        catch (JsonException e)
        {
            throw new ModelBundleException($"{manifestPath}: corrupted manifest ({e.Message.Split(" Path:")[0]} at {e.Path})");
        }
        if (manifest is null || manifest.Format != BundleManifest.FormatName)
        {
            throw new ModelBundleException($"{manifestPath}: not a cvr model bundle manifest (expected format '{BundleManifest.FormatName}')");
        }
        if (manifest.FormatVersion is not (BundleManifest.CurrentFormatVersion or BundleManifest.MembersFormatVersion))
        {
            throw UnsupportedVersion(directory, manifest.FormatVersion, manifest.CvrVersion);
        }
        var featuresPath = Path.Combine(directory, manifest.FeaturesFile);
        RequireFile(featuresPath);
        FittedFeaturePipeline pipeline;
        try
        {
            pipeline = FittedFeaturePipeline.FromJson(File.ReadAllText(featuresPath));
        }
        catch (JsonException e)
        {
            throw new ModelBundleException($"{featuresPath}: corrupted feature pipeline ({e.Message})");
        }
        var models = new Dictionary<string, TrainedModel>(StringComparer.Ordinal);
        List<TrainedMember> members;
        try
        {
            foreach (var (name, entry) in manifest.Models)
            {
                var path = Path.Combine(directory, entry.File);
                RequireFile(path);
                var booster = Booster.LoadFromFile(path);
                models[name] = new TrainedModel(name, booster, entry.BestIteration, entry.IterationsRun, entry.StopReason, entry.ValidationLogLoss) { Curve = entry.Curve };
            }
            foreach (var required in new[] { ModelNames.EndToEnd, ModelNames.Like, ModelNames.Install })
            {
                if (!models.ContainsKey(required))
                {
                    throw new ModelBundleException($"{manifestPath}: the bundle has no '{required}' model");
                }
            }
            members = LoadMembers(directory, manifestPath, manifest, kinds ?? EnsembleMemberKinds.Empty);
        }
        catch
        {
            foreach (var m in models.Values) { m.Booster.Dispose(); }
            throw;
        }
        var split = new DaySplit(manifest.Split.ValidationDay, manifest.Split.FirstTrainDay, manifest.Split.LastTrainDay, [], []);
        var system = new TrainedSystem(manifest.Options, pipeline, models, manifest.OmegaTs, manifest.OmegaE2e, manifest.EnsembleWeight,
            split, new Schema(manifest.TrainingSchema), members) { ValidationMetrics = manifest.ValidationMetrics, Selection = manifest.Selection };
        return (system, manifest);
    }

    /// <summary>The ensemble members, each reloaded by its kind of <paramref name="kinds"/>.</summary>
    private static List<TrainedMember> LoadMembers(string directory, string manifestPath, BundleManifest manifest, EnsembleMemberKinds kinds)
    {
        var members = new List<TrainedMember>();
        try
        {
            foreach (var (name, entry) in manifest.Members.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                if (!kinds.TryGet(entry.Kind, out var kind))
                {
                    throw new ModelBundleException($"{manifestPath}: ensemble member '{name}' is of kind '{entry.Kind}', which this program can't load "
                        + $"(it was given {(kinds.Names.Count == 0 ? "no member kinds" : "the kinds " + string.Join(", ", kinds.Names))}); "
                        + $"load the bundle with an {nameof(EnsembleMemberKinds)} that holds the '{entry.Kind}' kind, from the assembly that implements it");
                }
                foreach (var file in entry.Files) { RequireFile(Path.Combine(directory, file)); }
                members.Add(new TrainedMember(kind.Load(directory, entry), entry.Omega, entry.Weight));
            }
        }
        catch
        {
            foreach (var m in members) { m.Model.Dispose(); }
            throw;
        }
        return members;
    }

    /// <summary>Every file present passed SHA256SUMS, so a file the manifest names need only exist.</summary>
    private static void RequireFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelBundleException($"{path}: missing from the bundle");
        }
    }

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
