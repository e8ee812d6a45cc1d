using System.Text.Json;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

public static partial class ModelBundleLoader
{
    /// <summary>Opens a bundle, checking its format version and every file's checksum before trusting it.</summary>
    public static (TrainedSystem System, BundleManifest Manifest) Load(string directory)
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
        if (manifest.FormatVersion != BundleManifest.CurrentFormatVersion)
        {
            throw new ModelBundleException(
                $"{directory}: bundle format version {manifest.FormatVersion} (written by cvr {manifest.CvrVersion}) is not supported; this cvr {ModelBundle.CvrVersion} reads version {BundleManifest.CurrentFormatVersion}. Retrain the model with this version.");
        }
        var featuresPath = Path.Combine(directory, manifest.FeaturesFile);
        Verify(featuresPath, manifest.FeaturesSha256);
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
        try
        {
            foreach (var (name, entry) in manifest.Models)
            {
                var path = Path.Combine(directory, entry.File);
                Verify(path, entry.Sha256);
                var booster = Booster.LoadFromFile(path);
                models[name] = new TrainedModel(name, booster, entry.BestIteration, entry.IterationsRun, entry.StopReason, entry.ValidationLogLoss);
            }
            foreach (var required in new[] { ModelNames.EndToEnd, ModelNames.Like, ModelNames.Install })
            {
                if (!models.ContainsKey(required))
                {
                    throw new ModelBundleException($"{manifestPath}: the bundle has no '{required}' model");
                }
            }
        }
        catch
        {
            foreach (var m in models.Values) { m.Booster.Dispose(); }
            throw;
        }
        var split = new DaySplit(manifest.Split.ValidationDay, manifest.Split.FirstTrainDay, manifest.Split.LastTrainDay, [], []);
        var system = new TrainedSystem(manifest.Options, pipeline, models, manifest.OmegaTs, manifest.OmegaE2e, manifest.EnsembleWeight,
            split, new Schema(manifest.TrainingSchema)) { ValidationMetrics = manifest.ValidationMetrics };
        return (system, manifest);
    }

    private static void Verify(string path, string sha256)
    {
        if (!File.Exists(path))
        {
            throw new ModelBundleException($"{path}: missing from the bundle");
        }
        if (ModelBundle.Sha256(path) != sha256)
        {
            throw new ModelBundleException($"{path}: corrupted (its SHA-256 differs from the manifest's)");
        }
    }

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
