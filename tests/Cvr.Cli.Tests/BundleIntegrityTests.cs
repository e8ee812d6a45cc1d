namespace Cvr.Cli.Tests;

/// <summary>Tiny generated data and one bundle trained from it with <c>cvr train</c>, shared by the tests below.</summary>
public sealed class TrainedBundle : IDisposable
{
    public TrainedBundle()
    {
        Directory = new TempDir();
        Data = Directory.File("data");
        Cvr.Data.Synthetic.SyntheticData.Generate(Data, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.003, Seed: 3));
        Model = Directory.File("model");
        var (exit, _, err) = CliRunner.Run("train", "--data", Data, "--out", Model, "--click-model", "--baseline", "--threads", "1",
            "--max-rounds", "10", "--early-stopping", "5", "--no-cache", "-q");
        if (exit != ExitCodes.Success) { throw new InvalidOperationException($"cvr train failed ({exit}): {err}"); }
    }

    internal TempDir Directory { get; }

    public string Data { get; }

    public string Model { get; }

    public void Dispose() => Directory.Dispose();
}

[Trait("Category", "LightGbm")]
public class BundleIntegrityTests(TrainedBundle bundle) : IClassFixture<TrainedBundle>
{
    private static readonly string[] Files =
        ["SHA256SUMS", "manifest.json", "features.json", "e2e.txt", "like.txt", "install.txt", "baseline.txt", "click.txt"];

    public static TheoryData<string> BundleFiles => [.. Files];

    [Fact]
    public void Train_Bundle_HoldsExactlyTheFilesTheTamperTestsEdit()
    {
        Assert.Equal(Files.Order(StringComparer.Ordinal),
            Directory.GetFileSystemEntries(bundle.Model).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Predict_IntactCopy_Succeeds()
    {
        using var dir = new TempDir();
        var copy = Copy(dir.File("model"));
        var (exit, _, err) = Predict(copy, dir.File("out/sub.csv"));
        Assert.True(exit == ExitCodes.Success, err);
        Assert.True(File.Exists(dir.File("out/sub.csv")));
    }

    [Theory]
    [MemberData(nameof(BundleFiles))]
    public void Predict_OneByteOfAFileChanged_ExitsWithModelErrorNamingItAndWritesNothing(string file)
    {
        using var dir = new TempDir();
        var copy = Copy(dir.File("model"));
        var path = Path.Combine(copy, file);
        var bytes = File.ReadAllBytes(path);
        var at = bytes.Length / 2;
        bytes[at] = bytes[at] == (byte)'0' ? (byte)'1' : (byte)'0';
        File.WriteAllBytes(path, bytes);

        var (exit, output, err) = Predict(copy, dir.File("out/sub.csv"));

        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Equal("", output);
        // An edited SHA256SUMS is reported against the line it broke (a hash, a name or the format), always naming it.
        Assert.Contains(file == "SHA256SUMS" ? "SHA256SUMS" : $"{path}: corrupted (its SHA-256 differs from SHA256SUMS)", err);
        AssertNothingWritten(dir);
    }

    [Fact]
    public void Predict_ExtraFileInTheBundle_ExitsWithModelErrorNamingIt()
    {
        using var dir = new TempDir();
        var copy = Copy(dir.File("model"));
        var extra = Path.Combine(copy, "notes.txt");
        File.WriteAllText(extra, "harmless?");

        var (exit, _, err) = Predict(copy, dir.File("out/sub.csv"));

        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Equal($"error: {extra}: not listed in SHA256SUMS (a bundle holds exactly the files it lists)", err.Trim());
        AssertNothingWritten(dir);
    }

    [Fact]
    public void Predict_DeletedFile_ExitsWithModelErrorNamingIt()
    {
        using var dir = new TempDir();
        var copy = Copy(dir.File("model"));
        var deleted = Path.Combine(copy, "install.txt");
        File.Delete(deleted);

        var (exit, _, err) = Predict(copy, dir.File("out/sub.csv"));

        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Equal($"error: {deleted}: missing from the bundle (listed in SHA256SUMS)", err.Trim());
        AssertNothingWritten(dir);
    }

    private (int Exit, string Out, string Err) Predict(string model, string submission) =>
        CliRunner.Run("predict", "--model", model, "--data", bundle.Data, "--out", submission, "--no-cache", "-q");

    /// <summary>No submission, and no temporary next to where it would have gone.</summary>
    private static void AssertNothingWritten(TempDir dir) =>
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFileSystemEntries(dir.File("out")).Any());

    private string Copy(string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(bundle.Model)) { File.Copy(file, Path.Combine(to, Path.GetFileName(file))); }
        return to;
    }
}
