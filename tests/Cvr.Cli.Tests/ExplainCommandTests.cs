using System.Text.Json;

namespace Cvr.Cli.Tests;

/// <summary><c>cvr explain</c> through the command line: its output, its flags' errors and exit codes.</summary>
[Trait("Category", "LightGbm")]
public class ExplainCommandTests(TinyBundle bundle) : IClassFixture<TinyBundle>
{
    [Fact]
    public void Explain_OneAndTwoThreads_WriteTheSameBytesOneLinePerRow()
    {
        using var dir = new TempDir();
        var one = Run(dir.File("one.jsonl"), "--threads", "1");
        var two = Run(dir.File("two.jsonl"), "--threads", "2");
        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
        var lines = File.ReadAllLines(one);
        var submission = dir.File("sub.csv");
        Assert.Equal(ExitCodes.Success, CliRunner.Run("predict", "--model", bundle.Model, "--data", bundle.Data, "--out", submission, "--no-cache", "-q").Exit);
        var predicted = File.ReadAllLines(submission).Skip(1).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(predicted.Length, lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var row = JsonDocument.Parse(lines[i]).RootElement;
            Assert.Equal(long.Parse(predicted[i][0], System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("row_id").GetInt64());
            Assert.Equal(double.Parse(predicted[i][2], System.Globalization.CultureInfo.InvariantCulture), row.GetProperty("is_installed").GetDouble());
            Assert.Equal(["like", "install", "e2e"], row.GetProperty("models").EnumerateObject().Select(m => m.Name));
            Assert.All(row.GetProperty("models").EnumerateObject(), m => Assert.Equal(10, m.Value.GetProperty("contributions").GetArrayLength()));
        }
    }

    [Fact]
    public void Explain_RowsAndTopZero_ListsEveryFeatureOfTheSelectedRows()
    {
        using var dir = new TempDir();
        var all = File.ReadAllLines(Run(dir.File("all.jsonl")));
        var ids = all.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("row_id").GetInt64()).ToArray();
        var file = Run(dir.File("some.jsonl"), "--rows", $"{ids[5]},{ids[0]}-{ids[2]}", "--top", "0");
        var some = File.ReadAllLines(file).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal([ids[0], ids[1], ids[2], ids[5]], some.Select(r => r.GetProperty("row_id").GetInt64()));
        var e2e = some[0].GetProperty("models").GetProperty("e2e");
        Assert.True(e2e.GetProperty("contributions").GetArrayLength() > 10);
        Assert.Equal(0, e2e.GetProperty("rest").GetDouble());
    }

    [Theory]
    [InlineData(new[] { "--top", "-1" }, "error: --top -1: expected the number of features to list per model (0: all)")]
    [InlineData(new[] { "--rows", "12,x" }, "error: --rows \"12,x\": item 2 \"x\" is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)")]
    [InlineData(new[] { "--rows", "99999999" }, "error: --rows \"99999999\": item 1 \"99999999\" is not a row id of {data}/test")]
    public void Explain_BadFlag_IsAUsageErrorNamingItAndWritesNothing(string[] flags, string message)
    {
        using var dir = new TempDir();
        var (exit, output, err) = CliRunner.Run(["explain", "--model", bundle.Model, "--data", bundle.Data, "--out", dir.File("x.jsonl"), "--no-cache", .. flags]);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.StartsWith(message.Replace("{data}", bundle.Data, StringComparison.Ordinal), err.Trim(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Explain_BundleTrainedWithAnotherObjective_IsAModelErrorSayingWhy_WhilePredictStillWorks()
    {
        using var dir = new TempDir();
        var parameters = dir.File("params.json");
        File.WriteAllText(parameters, """{"objective": "cross_entropy"}""");
        var model = dir.File("model");
        var (trained, _, trainErr) = CliRunner.Run("train", "--data", bundle.Data, "--out", model, "--params", parameters, "--threads", "1",
            "--max-rounds", "5", "--early-stopping", "2", "--no-baseline", "--no-cache", "-q");
        Assert.True(trained == ExitCodes.Success, trainErr);
        Assert.Equal(ExitCodes.Success, CliRunner.Run("predict", "--model", model, "--data", bundle.Data, "--out", dir.File("sub.csv"), "--no-cache", "-q").Exit);
        var (exit, _, err) = CliRunner.Run("explain", "--model", model, "--data", bundle.Data, "--out", dir.File("x.jsonl"), "--no-cache", "-q");
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Equal($"error: {model}: model like was not trained with the binary objective: its probability can't be attributed", err.Trim());
        Assert.False(File.Exists(dir.File("x.jsonl")));
    }

    private string Run(string file, params string[] flags)
    {
        var (exit, _, err) = CliRunner.Run(["explain", "--model", bundle.Model, "--data", bundle.Data, "--out", file, "--no-cache", "-q", .. flags]);
        Assert.True(exit == ExitCodes.Success, err);
        return file;
    }
}
