using System.Text.Json;

namespace Cvr.Modeling.Explaining;

/// <summary>
/// One <see cref="RowExplanation"/> as a JSON object, the same for a line of <c>cvr explain</c>'s output and an
/// element of <c>cvr serve</c>'s explain answer (docs/serving.md has an example):
/// <code>
/// {"row_id": 7, "is_installed": p, "is_clicked": q,
///  "is_installed_attribution": {"base": b, "unexplained_members": {"KIND": m}, "rest": r, "contributions": [...]},
///  "models": {"like": {"expected_value": e, "raw_score": z, "rest": r, "contributions": [...]}, "install": …, "e2e": …, "click": …}}
/// </code>
/// each contribution <c>{"feature": name, "value": input, "contribution": c}</c> (the input null when not finite), the
/// top K by |c| (ties in feature order; K = 0: every feature), and <c>rest</c> the sum of the others', so
/// <c>expected_value + Σ contributions + rest = raw_score</c> and <c>base + Σ unexplained_members + Σ contributions +
/// rest = is_installed</c>. Numbers are written shortest round-trip: parsed back, each is the same double.
/// </summary>
public static class ExplanationJson
{
    /// <summary>Features listed per model when the caller does not say.</summary>
    public const int DefaultTop = 10;

    /// <summary>Quotes and non-ASCII names stay readable (<c>"</c>, not <c>\u0022</c>); the text is JSON, never HTML.</summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Utf8JsonWriter w, RowExplanation row, IReadOnlyList<string> featureNames, int top)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        w.WriteStartObject();
        if (row.RowId is { } id) { w.WriteNumber("row_id", id); } else { w.WriteNull("row_id"); }
        w.WriteNumber("is_installed", row.Prediction.Installed);
        w.WriteNumber("is_clicked", row.Prediction.Clicked);
        w.WriteStartObject("is_installed_attribution");
        w.WriteNumber("base", row.Installed.Base);
        w.WriteStartObject("unexplained_members");
        foreach (var (name, term) in row.Installed.Members) { w.WriteNumber(name, term); }
        w.WriteEndObject();
        WriteContributions(w, row.Installed.Values, row.Features, featureNames, top);
        w.WriteEndObject();
        w.WriteStartObject("models");
        foreach (var booster in row.Boosters)
        {
            w.WriteStartObject(booster.Model);
            w.WriteNumber("expected_value", booster.ExpectedValue);
            w.WriteNumber("raw_score", booster.RawScore);
            WriteContributions(w, booster.Values, row.Features, featureNames, top);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>Feature indices by |contribution|, largest first, ties in feature order; the first <paramref name="top"/>
    /// (all when 0).</summary>
    public static int[] Top(ReadOnlySpan<double> contributions, int top)
    {
        var order = new int[contributions.Length];
        for (var j = 0; j < order.Length; j++) { order[j] = j; }
        var magnitude = new double[contributions.Length];
        for (var j = 0; j < magnitude.Length; j++) { magnitude[j] = Math.Abs(contributions[j]); }
        // A stable sort: equal magnitudes keep feature order.
        var sorted = order.OrderByDescending(j => magnitude[j]).ToArray();
        return top == 0 || top >= sorted.Length ? sorted : sorted[..top];
    }

    private static void WriteContributions(Utf8JsonWriter w, double[] contributions, float[] features, IReadOnlyList<string> names, int top)
    {
        var listed = Top(contributions, top);
        var isListed = new bool[contributions.Length];
        foreach (var j in listed) { isListed[j] = true; }
        var rest = 0.0;
        for (var j = 0; j < contributions.Length; j++)
        {
            if (!isListed[j]) { rest += contributions[j]; }
        }
        w.WriteNumber("rest", rest);
        w.WriteStartArray("contributions");
        foreach (var j in listed)
        {
            w.WriteStartObject();
            w.WriteString("feature", names[j]);
            // The float32 input widened exactly; its shortest double text may be longer than the float's.
            if (float.IsFinite(features[j])) { w.WriteNumber("value", (double)features[j]); } else { w.WriteNull("value"); }
            w.WriteNumber("contribution", contributions[j]);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
