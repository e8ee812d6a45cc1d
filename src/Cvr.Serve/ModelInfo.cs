using System.Text.Json;

namespace Cvr.Serve;

/// <summary><c>GET /v1/models/cvr</c>: KServe's model-ready answer with the manifest's summary.</summary>
internal static class ModelInfo
{
    public static void Write(Utf8JsonWriter w, LoadedModel model, ServeOptions options)
    {
        var m = model.Manifest;
        w.WriteString("name", Endpoints.ModelName);
        w.WriteBoolean("ready", true);
        w.WriteString("bundle_sha256", model.BundleHash);
        w.WriteString("loaded_at", model.LoadedAt);
        w.WriteString("cvr_version", m.CvrVersion);
        w.WriteString("lightgbm_version", m.LightGbmVersion);
        w.WriteString("data_fingerprint", m.DataFingerprint);
        w.WriteNumber("validation_day", m.Split.ValidationDay);
        w.WriteNumber("train_rows", m.Split.TrainRows);
        w.WriteNumber("omega_ts", m.OmegaTs);
        w.WriteNumber("omega_e2e", m.OmegaE2e);
        w.WriteNumber("ensemble_weight_ts", m.EnsembleWeight);
        w.WriteNumber("features", m.FeatureNames.Count);
        w.WriteStartObject("models");
        foreach (var (name, entry) in m.Models.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(name);
            w.WriteNumber("best_iteration", entry.BestIteration);
            if (entry.ValidationLogLoss is { } loss) { w.WriteNumber("validation_logloss", loss); }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("members");
        foreach (var (name, entry) in m.Members.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(name);
            w.WriteString("kind", entry.Kind);
            w.WriteNumber("omega", entry.Omega);
            w.WriteNumber("weight", entry.Weight);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartArray("inputs");
        foreach (var c in model.Schema.Columns)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("kind", c.Kind.ToString().ToLowerInvariant());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("scorers", model.LaneCount);
        w.WriteNumber("max_batch", options.MaxBatch);
        w.WriteNumber("max_body_bytes", options.BodyLimit);
    }
}
