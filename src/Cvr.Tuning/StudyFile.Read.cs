using System.Globalization;
using System.Text.Json;

namespace Cvr.Tuning;

public static partial class StudyFile
{
    /// <summary>Reads a study file; any problem is a <see cref="StudyFileException"/> naming the file and the spot.</summary>
    public static SavedStudy Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException e)
        {
            throw new StudyFileException(path, $"not a valid study file: {e.Message}");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidDataException e)
            {
                throw new StudyFileException(path, $"not a valid study file: {e.Message}");
            }
        }
    }

    private static SavedStudy Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw Bad("the top level", "expected an object");
        }
        var format = String(root, "format", "the top level");
        if (format != Format)
        {
            throw Bad("format", $"'{format}' is not {Format}");
        }
        var name = String(root, "name", "the top level");
        var direction = String(root, "direction", "the top level") switch
        {
            "minimize" => StudyDirection.Minimize,
            "maximize" => StudyDirection.Maximize,
            var other => throw Bad("direction", $"'{other}' is neither minimize nor maximize"),
        };
        var sampler = Property(root, "sampler", "the top level");
        var samplerName = String(sampler, "name", "sampler");
        var seedElement = Property(sampler, "seed", "sampler");
        if (seedElement.ValueKind != JsonValueKind.Number || !seedElement.TryGetUInt64(out var seed))
        {
            throw Bad("sampler.seed", "expected a non-negative integer");
        }
        var trialsElement = Property(root, "trials", "the top level");
        if (trialsElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("trials", "expected an array");
        }
        var trials = new List<TrialRecord>();
        foreach (var element in trialsElement.EnumerateArray())
        {
            var where = $"trials[{trials.Count}]";
            var trial = ReadTrial(element, where);
            if (trial.Number != trials.Count)
            {
                throw Bad($"{where}.number", $"expected {trials.Count} (trials are numbered 0, 1, ... in order), found {trial.Number}");
            }
            trials.Add(trial);
        }
        return new SavedStudy(name, direction, samplerName, seed, trials);
    }

    private static TrialRecord ReadTrial(JsonElement e, string where)
    {
        var numberElement = Property(e, "number", where);
        if (numberElement.ValueKind != JsonValueKind.Number || !numberElement.TryGetInt32(out int number))
        {
            throw Bad($"{where}.number", "expected an integer");
        }
        var stateText = String(e, "state", where);
        if (!Enum.TryParse<TrialState>(stateText, ignoreCase: true, out var state) || !Enum.IsDefined(state) || stateText.Any(char.IsDigit))
        {
            throw Bad($"{where}.state", $"'{stateText}' is not running, complete, pruned or failed");
        }
        var value = NullableDouble(Property(e, "value", where), $"{where}.value");
        if (state == TrialState.Complete && value is null)
        {
            throw Bad($"{where}.value", "a complete trial needs a value");
        }
        var parameters = new Dictionary<string, TrialParam>(StringComparer.Ordinal);
        foreach (var p in Object(e, "params", where).EnumerateObject())
        {
            var at = $"{where}.params.{p.Name}";
            var distribution = ReadDistribution(Property(p.Value, "distribution", at), $"{at}.distribution");
            var external = Scalar(Property(p.Value, "value", at), $"{at}.value");
            try
            {
                parameters[p.Name] = new TrialParam(distribution, distribution.ToInternal(external));
            }
            catch (ArgumentException x)
            {
                throw Bad($"{at}.value", x.Message);
            }
        }
        var intermediate = new SortedDictionary<int, double>();
        foreach (var p in Object(e, "intermediate", where).EnumerateObject())
        {
            if (!int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int step))
            {
                throw Bad($"{where}.intermediate", $"step '{p.Name}' is not a non-negative integer");
            }
            intermediate[step] = Double(p.Value, $"{where}.intermediate.{p.Name}");
        }
        var attributes = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in Object(e, "userAttributes", where).EnumerateObject())
        {
            attributes[p.Name] = p.Value.Clone();
        }
        return new TrialRecord
        {
            Number = number,
            State = state,
            Params = parameters,
            Value = value,
            IntermediateValues = intermediate,
            Start = Time(Property(e, "start", where), $"{where}.start") ?? throw Bad($"{where}.start", "expected a time"),
            End = Time(Property(e, "end", where), $"{where}.end"),
            UserAttributes = attributes,
            FailReason = e.TryGetProperty("failReason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null,
        };
    }

    private static ParamDistribution ReadDistribution(JsonElement e, string where)
    {
        try
        {
            return String(e, "type", where) switch
            {
                "float" => new FloatDistribution(
                    Double(Property(e, "low", where), $"{where}.low"),
                    Double(Property(e, "high", where), $"{where}.high"),
                    Boolean(e, "log", where),
                    NullableDouble(Property(e, "step", where), $"{where}.step")),
                "int" => new IntDistribution(Int(e, "low", where), Int(e, "high", where), Boolean(e, "log", where), Int(e, "step", where)),
                "categorical" => new CategoricalDistribution(Property(e, "choices", where) is { ValueKind: JsonValueKind.Array } choices
                    ? [.. choices.EnumerateArray().Select((c, i) => Scalar(c, $"{where}.choices[{i}]"))]
                    : throw Bad($"{where}.choices", "expected an array")),
                var other => throw Bad($"{where}.type", $"'{other}' is not float, int or categorical"),
            };
        }
        catch (ArgumentException x)
        {
            throw Bad(where, x.Message);
        }
    }

    /// <summary>A parameter value or choice: string, boolean, integer (no decimal point) or double.</summary>
    private static object Scalar(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString()!,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when e.GetRawText().AsSpan().IndexOfAny(".Ee") < 0 && e.TryGetInt64(out long l) => l,
        JsonValueKind.Number => e.GetDouble(),
        _ => throw Bad(where, $"expected a string, boolean or number, found {e.ValueKind.ToString().ToLowerInvariant()}"),
    };

    private static double Double(JsonElement e, string where) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when e.GetString() is "NaN" => double.NaN,
        JsonValueKind.String when e.GetString() is "Infinity" => double.PositiveInfinity,
        JsonValueKind.String when e.GetString() is "-Infinity" => double.NegativeInfinity,
        _ => throw Bad(where, "expected a number"),
    };

    private static double? NullableDouble(JsonElement e, string where) =>
        e.ValueKind == JsonValueKind.Null ? null : Double(e, where);

    private static DateTimeOffset? Time(JsonElement e, string where)
    {
        if (e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (e.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(e.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return time;
        }
        throw Bad(where, "expected an ISO 8601 time");
    }

    private static JsonElement Property(JsonElement e, string name, string where)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw Bad(where, "expected an object");
        }
        return e.TryGetProperty(name, out var value) ? value : throw Bad(where, $"missing '{name}'");
    }

    private static JsonElement Object(JsonElement e, string name, string where) =>
        Property(e, name, where) is { ValueKind: JsonValueKind.Object } value ? value : throw Bad($"{where}.{name}", "expected an object");

    private static string String(JsonElement e, string name, string where) =>
        Property(e, name, where) is { ValueKind: JsonValueKind.String } value ? value.GetString()! : throw Bad($"{Join(where, name)}", "expected a string");

    private static bool Boolean(JsonElement e, string name, string where) => Property(e, name, where).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Bad($"{where}.{name}", "expected true or false"),
    };

    private static int Int(JsonElement e, string name, string where) =>
        Property(e, name, where) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt32(out int i)
            ? i
            : throw Bad($"{where}.{name}", "expected an integer");

    private static string Join(string where, string name) => where == "the top level" ? name : $"{where}.{name}";

    private static InvalidDataException Bad(string where, string problem) => new($"{where}: {problem}");
}
