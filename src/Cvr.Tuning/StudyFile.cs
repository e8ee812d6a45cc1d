using System.Globalization;
using System.Text.Json;

namespace Cvr.Tuning;

/// <summary>A study as saved on disk: its identity and every trial.</summary>
public sealed record SavedStudy(string Name, StudyDirection Direction, string SamplerName, ulong Seed, IReadOnlyList<TrialRecord> Trials);

/// <summary>
/// The study's JSON file. Written whole after every trial state change (temporary file, then rename), so a
/// reader (or a resumed run) sees either the previous or the new study, never half of one.
/// Numbers are written round-trip exact; NaN and infinities, which JSON lacks, as the strings "NaN", "Infinity",
/// "-Infinity".
/// </summary>
public static partial class StudyFile
{
    /// <summary>Identifies the layout; bump it when the layout changes incompatibly.</summary>
    public const string Format = "cvr-study/1";

    internal static void Save(string path, SavedStudy study)
    {
        // The port references no other project, so it can't use Cvr's AtomicFile; this is the same recipe:
        // a hidden temporary sibling, flushed to disk, renamed over the old file, removed on failure.
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.tmp-{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
                {
                    Write(writer, study);
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static void Write(Utf8JsonWriter w, SavedStudy study)
    {
        w.WriteStartObject();
        w.WriteString("format", Format);
        w.WriteString("name", study.Name);
        w.WriteString("direction", study.Direction == StudyDirection.Minimize ? "minimize" : "maximize");
        w.WriteStartObject("sampler");
        w.WriteString("name", study.SamplerName);
        w.WriteNumber("seed", study.Seed);
        w.WriteEndObject();
        w.WriteStartArray("trials");
        foreach (var trial in study.Trials)
        {
            WriteTrial(w, trial);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteTrial(Utf8JsonWriter w, TrialRecord trial)
    {
        w.WriteStartObject();
        w.WriteNumber("number", trial.Number);
        w.WriteString("state", trial.State.ToString().ToLowerInvariant());
        w.WritePropertyName("value");
        WriteNullableDouble(w, trial.Value);
        w.WriteString("start", trial.Start.ToString("O", CultureInfo.InvariantCulture));
        if (trial.End is { } end)
        {
            w.WriteString("end", end.ToString("O", CultureInfo.InvariantCulture));
        }
        else
        {
            w.WriteNull("end");
        }
        w.WriteStartObject("params");
        foreach (var (name, param) in trial.Params)
        {
            w.WriteStartObject(name);
            w.WritePropertyName("value");
            WriteScalar(w, param.Value);
            w.WritePropertyName("distribution");
            WriteDistribution(w, param.Distribution);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartObject("intermediate");
        foreach (var (step, value) in trial.IntermediateValues)
        {
            w.WritePropertyName(step.ToString(CultureInfo.InvariantCulture));
            WriteDouble(w, value);
        }
        w.WriteEndObject();
        w.WriteStartObject("userAttributes");
        foreach (var (key, value) in trial.UserAttributes)
        {
            w.WritePropertyName(key);
            value.WriteTo(w);
        }
        w.WriteEndObject();
        if (trial.FailReason is { } reason)
        {
            w.WriteString("failReason", reason);
        }
        w.WriteEndObject();
    }

    private static void WriteDistribution(Utf8JsonWriter w, ParamDistribution distribution)
    {
        w.WriteStartObject();
        switch (distribution)
        {
            case FloatDistribution f:
                w.WriteString("type", "float");
                w.WritePropertyName("low");
                WriteDouble(w, f.Low);
                w.WritePropertyName("high");
                WriteDouble(w, f.High);
                w.WriteBoolean("log", f.Log);
                w.WritePropertyName("step");
                WriteNullableDouble(w, f.Step);
                break;
            case IntDistribution i:
                w.WriteString("type", "int");
                w.WriteNumber("low", i.Low);
                w.WriteNumber("high", i.High);
                w.WriteBoolean("log", i.Log);
                w.WriteNumber("step", i.Step);
                break;
            case CategoricalDistribution c:
                w.WriteString("type", "categorical");
                w.WriteStartArray("choices");
                foreach (var choice in c.Choices)
                {
                    WriteScalar(w, choice);
                }
                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException(distribution.GetType().Name);
        }
        w.WriteEndObject();
    }

    /// <summary>Integers without a decimal point, floating-point values always with one, so the type survives.</summary>
    private static void WriteScalar(Utf8JsonWriter w, object value)
    {
        switch (value)
        {
            case string s:
                w.WriteStringValue(s);
                break;
            case bool b:
                w.WriteBooleanValue(b);
                break;
            case int i:
                w.WriteNumberValue(i);
                break;
            case long l:
                w.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                var text = d.ToString("R", CultureInfo.InvariantCulture);
                w.WriteRawValue(text.AsSpan().IndexOfAny(".Ee") >= 0 ? text : text + ".0", skipInputValidation: true);
                break;
            case double d:
                WriteDouble(w, d);
                break;
            default:
                throw new NotSupportedException(value.GetType().Name);
        }
    }

    private static void WriteDouble(Utf8JsonWriter w, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumberValue(value);
        }
        else
        {
            w.WriteStringValue(double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }

    private static void WriteNullableDouble(Utf8JsonWriter w, double? value)
    {
        if (value is { } v)
        {
            WriteDouble(w, v);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
