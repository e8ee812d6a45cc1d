namespace Cvr.Cli.Tests;

/// <summary>The checkout the tests run from, for tests that read the repository's own files.</summary>
internal static class Repository
{
    /// <summary>The folder holding Cvr.slnx above the test's binaries.</summary>
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cvr.slnx"))) { return dir.FullName; }
        }
        throw new InvalidOperationException("the repository root (Cvr.slnx) is not above the test's folder");
    }
}
