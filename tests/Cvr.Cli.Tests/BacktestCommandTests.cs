using System.Text.Json;
using Cvr.Cli.Commands;

namespace Cvr.Cli.Tests;

[Trait("Category", "LightGbm")]
public class BacktestCommandTests(TuneData data) : IClassFixture<TuneData>
{
    [Fact]
    public void Backtest_TwoDaysTwoVariants_PrintsEachDayAndTheirDifference_AndWritesJson()
    {
        using var dir = new TempDir();
        var (exit, stdout, stderr) = CliRunner.Run("backtest", "--data", data.Path, "--days", "65-66", "--variant", "refit=--refit --threads 1 --max-rounds 20",
            "--threads", "1", "--max-rounds", "20", "--no-cache", "--out", dir.File("backtest.json"), "-q");

        Assert.True(exit == 0, stderr);
        Assert.Contains("   65 ", stdout, StringComparison.Ordinal);
        Assert.Contains("   66 ", stdout, StringComparison.Ordinal);
        Assert.Contains("refit − base, all rows: mean ", stdout, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("backtest.json")));
        var variants = json.RootElement.GetProperty("variants");
        Assert.Equal(2, variants.GetProperty("base").GetArrayLength());
        Assert.Equal(66, variants.GetProperty("refit")[1].GetProperty("day").GetInt32());
        Assert.Equal("refit", json.RootElement.GetProperty("differences")[0].GetProperty("variant").GetString());
        Assert.False(variants.GetProperty("base")[0].GetProperty("metrics").GetProperty("truth_logloss").ValueKind == JsonValueKind.Null); // generated data's truth is read
    }

    [Theory]
    [InlineData("--days", "66-65", "runs backwards")]
    [InlineData("--days", "6x", "\"6x\" is not a day number")]
    [InlineData("--days", "45", "day 45 can't be scored")]
    [InlineData("--variant", "--refit", "expected NAME=")]
    [InlineData("--variant", "base=--refit", "choose another name")]
    [InlineData("--variant", "x=--no-such-flag", "--variant x:")]
    [InlineData("--validation-day", "60", "--validation-day can't be set in a backtest")]
    public void Backtest_BadArguments_ExitWithTheUsageCode_NamingTheProblem(string option, string value, string message)
    {
        var (exit, _, stderr) = CliRunner.Run("backtest", "--data", data.Path, option, value, "--no-cache", "-q");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Backtest_TruthFileMissingARow_ExitsWithTheDataCode_NamingTheFile()
    {
        using var dir = new TempDir();
        var copy = dir.File("data");
        foreach (var file in Directory.GetFiles(data.Path, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(data.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var truth = Path.Combine(copy, "truth", "train.csv");
        var lines = File.ReadAllLines(truth);
        File.WriteAllLines(truth, lines.Take(lines.Length - 1)); // the last labelled row has no truth now

        var (exit, _, stderr) = CliRunner.Run("backtest", "--data", copy, "--days", "66", "--no-cache", "--out", dir.File("b.json"), "-q");

        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("no truth for training RowId", stderr, StringComparison.Ordinal);
        Assert.Contains("train.csv", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("b.json")));
    }

    [Fact]
    public void ParseDays_RangeListAndDefault()
    {
        var frame = Cvr.Data.DataSet.Load(data.Path, new Cvr.Data.DataSetOptions { UseCache = false }).Train;
        Assert.Equal([62, 63, 64], BacktestCommand.ParseDays("62-64", frame));
        Assert.Equal([66, 62], BacktestCommand.ParseDays("66, 62", frame));
        var last = frame.Days.Max();
        Assert.Equal(Enumerable.Range(last - 4, 5), BacktestCommand.ParseDays(null, frame));
        Assert.Throws<ConfigurationException>(() => BacktestCommand.ParseDays("62,62", frame));
    }
}
