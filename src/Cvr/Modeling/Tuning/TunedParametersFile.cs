using System.Text.Json;
using Microsoft.Extensions.Logging;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>
/// Writes the tuned parameters in the format <c>cvr train --params</c> reads: an object per model of LightGBM
/// parameter names to string values. The base --params sections come first, unchanged, and each tuned model's
/// section is its base section overridden by the best trial's values, so training with the file reproduces the
/// tuning setup exactly. Nothing but LightGBM parameters (and a member kind's own section) goes in (train rejects
/// unknown names); the best value and iteration live in the study files and the --json report.
/// </summary>
internal static class TunedParametersFile
{
    /// <returns>False (and nothing written) when no tuned model has a complete trial.</returns>
    public static bool Write(
        string path, IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> baseParameters,
        IReadOnlyList<ModelTuneResult> results, ILogger logger, EnsembleMemberKinds kinds)
    {
        foreach (var missing in results.Where(r => r.Parameters is null))
        {
            logger.LogWarning("{Model}: no complete trial, so no tuned parameters for it in {Path}", missing.Model, path);
        }
        if (results.All(r => r.Parameters is null))
        {
            return false;
        }
        var sections = baseParameters.ToDictionary(kv => kv.Key, kv => new Dictionary<string, string>(kv.Value, StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var result in results.Where(r => r.Parameters is not null))
        {
            var section = sections.TryGetValue(result.Model, out var existing) ? existing : sections[result.Model] = new(StringComparer.Ordinal);
            var booster = !kinds.TryGet(result.Model, out _); // a member's names are its kind's, not LightGBM's
            foreach (var (key, value) in result.Parameters!)
            {
                // Drop a base alias of a tuned name (num_leaf for num_leaves): which one won would depend on order.
                foreach (var alias in section.Keys.Where(k => k != key && booster && Cvr.LightGbm.LightGbmParameters.MainName(k) == key).ToList()) { section.Remove(alias); }
                section[key] = value;
            }
        }
        IO.AtomicFile.Write(path, stream =>
        {
            using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            writer.WriteStartObject();
            foreach (var (model, values) in sections)
            {
                writer.WriteStartObject(model);
                foreach (var (key, value) in values) { writer.WriteString(key, value); }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        });
        logger.LogInformation("tuned parameters written to {Path}", path);
        return true;
    }
}
