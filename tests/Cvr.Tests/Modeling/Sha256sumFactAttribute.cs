namespace Cvr.Tests.Modeling;

/// <summary>A fact that skips, saying why, where GNU sha256sum is not on PATH.</summary>
public sealed class Sha256sumFactAttribute : FactAttribute
{
    public Sha256sumFactAttribute()
    {
        if (Path is null) { Skip = "sha256sum not found on PATH; install GNU coreutils to run this test"; }
    }

    internal static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator)
        .Where(d => d.Length > 0).Select(d => System.IO.Path.Combine(d, "sha256sum")).FirstOrDefault(File.Exists);
}
