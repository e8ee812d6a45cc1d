using System.Text.Json.Serialization;

namespace Cvr.Serve;

/// <summary>
/// Why a request was refused (HTTP 400): where (the instance index and field, when there is one) and what was
/// expected. Serialised as the response body.
/// </summary>
internal sealed record RequestError(
    [property: JsonPropertyName("instance")] int? Instance,
    [property: JsonPropertyName("field")] string? Field,
    [property: JsonPropertyName("problem")] string Problem,
    [property: JsonPropertyName("expected")] string Expected)
{
    /// <summary>One line, e.g. <c>instances[3].f_6: a string "abc" (expected an integer category or null)</c>.</summary>
    [JsonPropertyName("error")]
    public string Message => $"{Where()}: {Problem} (expected {Expected})";

    private string Where() => (Instance, Field) switch
    {
        (null, null) => "request",
        (null, _) => Field!,
        (_, null) => $"instances[{Instance}]",
        _ => $"instances[{Instance}].{Field}",
    };
}
