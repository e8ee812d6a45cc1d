namespace Cvr.LightGbm.Tests;

/// <summary>A fact that needs lib_lightgbm; skipped, with the loader's reason, where the library cannot load.</summary>
public sealed class LightGbmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_skipReason = new(() =>
        LightGbmLibrary.TryLoad(out var error) ? null : $"lib_lightgbm cannot be loaded here: {FirstSentence(error)}");

    // The loader's message goes on with generic strace/LD_DEBUG advice; the first sentence names the problem.
    private static string? FirstSentence(string? text) =>
        text?.IndexOf(". ", StringComparison.Ordinal) is int end and > 0 ? text[..(end + 1)] : text;

    public LightGbmFactAttribute()
    {
        if (s_skipReason.Value is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that needs lib_lightgbm; skipped like <see cref="LightGbmFactAttribute"/>.</summary>
public sealed class LightGbmTheoryAttribute : TheoryAttribute
{
    public LightGbmTheoryAttribute()
    {
        if (!LightGbmLibrary.TryLoad(out var error))
        {
            Skip = $"lib_lightgbm cannot be loaded here: {error}";
        }
    }
}
