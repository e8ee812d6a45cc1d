using System.Globalization;

namespace Cvr.Serve;

/// <summary>
/// Text a client sent (a field name, a value), cut short before it is echoed in an error: a request's answer stays
/// small whatever the request held (a 2 MB field name once came back twice in a 4 MB body).
/// </summary>
internal static class ClientText
{
    /// <summary>Longest client text echoed whole; enough for any real field name or number.</summary>
    public const int MaxEchoed = 64;

    /// <summary><paramref name="text"/> itself when short, else its first <see cref="MaxEchoed"/> characters, an
    /// ellipsis and the original length, e.g. <c>aaaa…aaaa… (2,097,152 characters)</c>.</summary>
    public static string Cut(string text)
    {
        if (text.Length <= MaxEchoed) { return text; }
        // Never half a surrogate pair: the answer must stay valid UTF-16 to be written as JSON.
        var keep = char.IsHighSurrogate(text[MaxEchoed - 1]) ? MaxEchoed - 1 : MaxEchoed;
        return string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, keep)}… ({text.Length:N0} characters)");
    }
}
