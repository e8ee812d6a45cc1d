using System.Globalization;
using System.Text.Json;

namespace Cvr.Modeling;

/// <summary>
/// Reads a <c>--params</c> file: a JSON object of LightGBM parameters for every model (<c>{"num_leaves": 63}</c>),
/// or an object of such objects by model name (<c>{"all": {…}, "e2e": {…}, …}</c>, as <c>cvr tune</c> writes).
/// Values stay text, as LightGBM reads them; names and values are checked in one place,
/// <see cref="TrainingOptions.Validate"/>.
/// </summary>
public static class ParametersFile
{
    /// <exception cref="ConfigurationException">A missing file, bad JSON, or an entry that isn't a number, string or boolean.</exception>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Read(string file)
    {
        if (!File.Exists(file))
        {
            throw new ConfigurationException($"{file}: no such parameters file");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new ConfigurationException($"{file}: not valid JSON ({e.Message})", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigurationException($"{file}: $: expected an object of LightGBM parameters");
            }
            var properties = document.RootElement.EnumerateObject().ToList();
            var nested = properties.Count > 0 && properties.All(p => p.Value.ValueKind == JsonValueKind.Object);
            var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
            if (nested)
            {
                foreach (var p in properties) { result[p.Name] = Flat(p.Value, $"$.{p.Name}", file); }
            }
            else
            {
                result["all"] = Flat(document.RootElement, "$", file);
            }
            return result;
        }
    }

    private static Dictionary<string, string> Flat(JsonElement element, string path, string file)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in element.EnumerateObject())
        {
            values[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => p.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => throw new ConfigurationException($"{file}: {path}.{p.Name}: expected a number, string or boolean"),
            };
        }
        return values;
    }
}
