using System.Globalization;
using Cvr.Modeling.Explaining;
using Microsoft.AspNetCore.Http;

namespace Cvr.Serve;

/// <summary>The query of an explain request: <c>?top=K</c>, the features listed per model (0: all), nothing else.</summary>
internal static class ExplainQuery
{
    public const string TopParameter = "top";

    private static readonly string s_expected = $"a whole number of features ≥ 0 (0: every feature; default {ExplanationJson.DefaultTop})";

    /// <summary>The requested K (<see cref="ExplanationJson.DefaultTop"/> when absent), or an error naming the parameter.</summary>
    public static int Top(IQueryCollection query, out RequestError? error)
    {
        error = null;
        foreach (var key in query.Keys)
        {
            if (key != TopParameter)
            {
                error = new RequestError(null, ClientText.Cut(key), "unknown query parameter", $"only ?{TopParameter}=K");
                return 0;
            }
        }
        if (!query.TryGetValue(TopParameter, out var values)) { return ExplanationJson.DefaultTop; }
        if (values.Count != 1)
        {
            error = new RequestError(null, TopParameter, "given twice", "one ?top=K");
            return 0;
        }
        var text = values[0] ?? "";
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var top))
        {
            error = new RequestError(null, TopParameter, $"the text \"{ClientText.Cut(text)}\"", s_expected);
            return 0;
        }
        return top;
    }
}
