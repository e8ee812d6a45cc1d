namespace Cvr.Cli.Tests;

public class ProgramTests
{
    [Theory]
    [InlineData]
    [InlineData("generate")]
    [InlineData("describe")]
    [InlineData("demo")]
    [InlineData("analyze")]
    public void Help_EveryCommand_PrintsUsageAndSucceeds(params string[] command)
    {
        var (exit, output, _) = CliRunner.Run([.. command, "--help"]);
        Assert.Equal(ExitCodes.Success, exit);
        Assert.Contains("Usage:", output);
        Assert.Contains("--help", output);
    }

    [Fact]
    public void Run_UnknownOption_IsAUsageError()
    {
        var (exit, _, err) = CliRunner.Run("generate", "--out", "x", "--bogus");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--bogus", err);
    }

    [Fact]
    public void Generate_ScaleOutOfRange_IsAUsageErrorWithNoOutput()
    {
        using var dir = new TempDir();
        var (exit, _, err) = CliRunner.Run("generate", "--out", dir.File("data"), "--scale", "0");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--scale must be greater than 0", err);
        Assert.False(Directory.Exists(dir.File("data")));
    }

    [Fact]
    public void GenerateThenDescribe_SmallScale_ReportsTheSplits()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        var (exit, output, err) = CliRunner.Run("generate", "--out", data, "--scale", "0.005", "--seed", "7", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("train rows", output);
        Assert.True(File.Exists(Path.Combine(data, "test", "000000000000.csv")));

        (exit, output, err) = CliRunner.Run("describe", "--data", data, "--cache-dir", dir.File("cache"), "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("== train:", output);
        Assert.Contains("== test:", output);
        Assert.Contains("days 45..66", output);
        Assert.Contains("never seen in train", output);
    }

    [Fact]
    public void Describe_BadData_PrintsOneLineAndExitsWithTheDataErrorCode()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        File.WriteAllText(dir.File("train/000000000000.csv"), "f_0\tf_1\tis_clicked\tis_installed\n1\t45\t0\t7\n");
        var (exit, output, err) = CliRunner.Run("describe", "--data", dir.Path, "--no-cache");
        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Equal("", output);
        Assert.Equal("error: train/000000000000.csv: line 2, column is_installed: invalid label '7' (expected 0 or 1)", err.Trim());
    }

    [Fact]
    public void Demo_SmallScale_TrainsPredictsAndEvaluates()
    {
        using var dir = new TempDir();
        var (exit, output, err) = CliRunner.Run("demo", "--out", dir.Path, "--scale", "0.003", "--cache-dir", dir.File("cache"), "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("validation: day 66", output);
        Assert.Contains("test: day 67", output);
        Assert.Contains("ensemble", output);
        Assert.Contains("true probabilities", output);
        Assert.True(File.Exists(dir.File("run/submission.csv")));
        Assert.True(File.Exists(dir.File("run/metrics.json")));
        Assert.True(File.Exists(dir.File("run/model/manifest.json")));
        Assert.Contains("test, new ads (f_6 on no labelled day)", output);
        // The new-ad rows are the test rows whose f_6 no training file has, counted here from the text files.
        using var metrics = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("run/metrics.json")));
        Assert.Equal(CountNewAdRows(dir.File("data")), metrics.RootElement.GetProperty("test_new_ads").GetProperty("rows").GetInt32());
    }

    private static int CountNewAdRows(string data)
    {
        IEnumerable<string> Values(string split) => Directory.GetFiles(Path.Combine(data, split), "*.csv").SelectMany(file =>
        {
            var lines = File.ReadAllLines(file);
            var column = Array.IndexOf(lines[0].Split('\t'), "f_6");
            return lines.Skip(1).Select(l => l.Split('\t')[column]);
        });
        var seen = Values("train").ToHashSet();
        var count = Values("test").Count(v => v.Length > 0 && !seen.Contains(v));
        Assert.True(count > 0, "the demo's test day has no new ads");
        return count;
    }
}
