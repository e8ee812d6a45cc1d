using System.Buffers;
using System.Text;
using System.Text.Json;
using Cvr.Data;

namespace Cvr.Serve;

/// <summary>
/// KServe's V1 inference protocol for one model: <c>{"instances": [{"f_1": 67, "f_2": 4521, …}, …]}</c> in,
/// <c>{"predictions": [{"is_installed": p, "is_clicked": q}, …]}</c> out, in request order. Fields are named as in
/// the data files; <c>null</c> or an absent field is a missing value, as an empty field is in a file; <c>f_0</c>
/// (the row id) is optional and <c>f_1</c> (the day) required, as in a file. Values are checked as the file reader
/// checks them (integer categories and days, binary 0/1, finite float32 numbers), and each instance is scored as
/// soon as it is read, so a request is parsed and scored in one pass over its bytes; the answer is written only
/// when every instance was valid.
/// </summary>
internal static class PredictProtocol
{
    private const string Instances = "instances";

    /// <summary>Reads every instance of <paramref name="body"/> into the lane's row and adds <paramref name="answer"/>
    /// of it to <paramref name="answers"/>: the one parser of predict and explain requests.</summary>
    /// <exception cref="RequestException">Anything wrong with the request.</exception>
    public static void Read<T>(ReadOnlySpan<byte> body, LoadedModel model, Lane lane, int maxBatch, List<T> answers, Func<Lane, T> answer)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 8 });
        try
        {
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(null, null, $"{Describe(ref reader)} at the top level", "a JSON object {\"instances\": [...]}");
            }
            var sawInstances = false;
            while (Read(ref reader) == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals(Instances))
                {
                    throw Error(null, ClientText.Cut(StringAt(ref reader)), "unknown field", $"only \"{Instances}\"");
                }
                if (sawInstances)
                {
                    throw Error(null, Instances, "given twice", "one instances array");
                }
                sawInstances = true;
                if (Read(ref reader) != JsonTokenType.StartArray)
                {
                    throw Error(null, Instances, Describe(ref reader), "an array of objects");
                }
                ReadInstances(ref reader, model, lane, maxBatch, answers, answer);
            }
            if (!sawInstances)
            {
                throw Error(null, Instances, "missing", "{\"instances\": [...]} with at least one instance");
            }
            // Trailing content after the object is malformed JSON: the reader throws on it.
            if (reader.Read())
            {
                throw Error(null, null, $"{Describe(ref reader)} after the request object", "one JSON object");
            }
        }
        catch (JsonException e)
        {
            throw Error(null, null, $"malformed JSON ({e.Message})", "a JSON object {\"instances\": [...]}");
        }
    }

    private static void ReadInstances<T>(ref Utf8JsonReader reader, LoadedModel model, Lane lane, int maxBatch, List<T> answers, Func<Lane, T> answer)
    {
        var schema = model.Schema;
        var row = lane.Row;
        var day = schema.IndexOf(Schema.DayColumn);
        Span<bool> seen = stackalloc bool[schema.Count + 1];
        var index = 0;
        while (Read(ref reader) != JsonTokenType.EndArray)
        {
            if (index == maxBatch)
            {
                throw Error(index, null, $"more than {maxBatch} instances in one request", $"at most --max-batch {maxBatch}");
            }
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(index, null, Describe(ref reader), "an object of fields f_0 … f_79");
            }
            row.Clear();
            seen.Clear();
            while (Read(ref reader) == JsonTokenType.PropertyName)
            {
                var column = Column(ref reader, model, index, out var isRowId);
                var slot = isRowId ? schema.Count : column;
                if (seen[slot])
                {
                    throw Error(index, FieldName(ref reader), "given twice", "each field at most once");
                }
                seen[slot] = true;
                var kind = isRowId ? ColumnKind.RowId : schema.Columns[column].Kind;
                var field = isRowId ? Schema.RowIdColumn : schema.Columns[column].Name;
                Read(ref reader);
                ReadValue(ref reader, row, column, kind, index, field);
            }
            if (!row.IsPresent(day))
            {
                throw Error(index, Schema.DayColumn, "missing", "an integer day number (as in the data files)");
            }
            answers.Add(answer(lane));
            index++;
        }
        if (index == 0)
        {
            throw Error(null, Instances, "an empty array", "at least one instance");
        }
    }

    /// <summary>The column of the property name at the reader, or an unknown-field error.</summary>
    private static int Column(ref Utf8JsonReader reader, LoadedModel model, int index, out bool isRowId)
    {
        Span<byte> name = stackalloc byte[16];
        isRowId = false;
        if (!reader.ValueIsEscaped && reader.ValueSpan.Length <= name.Length)
        {
            reader.ValueSpan.CopyTo(name);
            name = name[..reader.ValueSpan.Length];
            if (TryFieldNumber(name, out var number))
            {
                if (number == 0)
                {
                    isRowId = true;
                    return -1;
                }
                var column = model.ColumnOf(number);
                if (column >= 0) { return column; }
            }
        }
        throw Error(index, ClientText.Cut(StringAt(ref reader)), "unknown field", $"one of the model's inputs {FirstAndLast(model.Schema)}, as named in the data files (GET /v1/models/cvr lists them)");
    }

    /// <summary><c>f_</c> then a number without leading zeros.</summary>
    private static bool TryFieldNumber(ReadOnlySpan<byte> name, out int number)
    {
        number = 0;
        if (name.Length < 3 || name.Length > 6 || name[0] != (byte)'f' || name[1] != (byte)'_' || (name[2] == (byte)'0' && name.Length > 3))
        {
            return false;
        }
        foreach (var b in name[2..])
        {
            if (b is < (byte)'0' or > (byte)'9') { return false; }
            number = number * 10 + (b - '0');
        }
        return true;
    }

    private static void ReadValue(ref Utf8JsonReader reader, Features.RawRow row, int column, ColumnKind kind, int index, string field)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            if (kind == ColumnKind.Day) { throw Error(index, field, "null", "an integer day number (as in the data files)"); }
            return; // missing, as an empty field in a file
        }
        switch (kind)
        {
            case ColumnKind.RowId:
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var id))
                {
                    throw Wrong(ref reader, index, field, "an integer row id or null");
                }
                row.RowId = id;
                return;
            case ColumnKind.Day:
            case ColumnKind.Categorical:
                // int.MinValue is the missing code of the file reader's categorical columns.
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var integer) || integer == int.MinValue)
                {
                    throw Wrong(ref reader, index, field, kind == ColumnKind.Day ? "an integer day number"
                        : $"an integer category from {int.MinValue + 1} to {int.MaxValue} or null");
                }
                row.SetInteger(column, integer);
                return;
            default:
                var expected = kind == ColumnKind.Binary ? "0, 1 or null" : "a finite number or null";
                if (reader.TokenType != JsonTokenType.Number)
                {
                    throw Wrong(ref reader, index, field, expected);
                }
                // float32 from the text, as the file reader parses it (not via double: that could round twice).
                if (!reader.TryGetSingle(out var value) || !float.IsFinite(value))
                {
                    throw Error(index, field, $"{Text(ref reader)} is not finite as a 32-bit float", expected);
                }
                if (kind == ColumnKind.Binary && value is not (0f or 1f))
                {
                    throw Error(index, field, $"{Text(ref reader)} is not a binary value", expected);
                }
                row.SetNumber(column, value);
                return;
        }
    }

    private static RequestException Wrong(ref Utf8JsonReader reader, int index, string field, string expected)
    {
        if (reader.TokenType == JsonTokenType.String && IsNonFinite(StringAt(ref reader)))
        {
            return Error(index, field, $"the string \"{ClientText.Cut(StringAt(ref reader))}\" (JSON has no non-finite numbers; a missing value is null)", expected);
        }
        return Error(index, field, Describe(ref reader), expected);
    }

    /// <summary>The string or property name at the reader, whole (cut it with <see cref="ClientText.Cut"/> before
    /// echoing it); invalid UTF-8 is a client's error too.</summary>
    private static string StringAt(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return "(not valid UTF-8)";
        }
    }

    private static bool IsNonFinite(string text)
        => text.Trim().TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity";

    /// <summary>The token at the reader in words, its value cut short.</summary>
    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.Number => $"the number {Text(ref reader)}",
        JsonTokenType.String => $"the string \"{ClientText.Cut(StringAt(ref reader))}\"",
        JsonTokenType.True or JsonTokenType.False => $"the boolean {Text(ref reader)}",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString(),
    };

    private static string Text(ref Utf8JsonReader reader) => ClientText.Cut(Encoding.UTF8.GetString(reader.ValueSpan));

    private static string FirstAndLast(Schema schema)
        => schema.Count == 0 ? "(none)" : $"{schema.Columns[0].Name} … {schema.Columns[^1].Name}";

    private static string FieldName(ref Utf8JsonReader reader) => ClientText.Cut(StringAt(ref reader));

    private static JsonTokenType Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw Error(null, null, "the body ended early", "a complete JSON object");
        }
        return reader.TokenType;
    }

    private static RequestException Error(int? instance, string? field, string problem, string expected)
        => new(new RequestError(instance, field, problem, expected));
}
