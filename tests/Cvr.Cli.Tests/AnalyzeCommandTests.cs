namespace Cvr.Cli.Tests;

public class AnalyzeCommandTests
{
    private static string Generate(TempDir dir, string name = "data")
    {
        var data = dir.File(name);
        var (exit, _, err) = CliRunner.Run("generate", "--out", data, "--scale", "0.01", "--seed", "5", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        return data;
    }

    [Fact]
    public void Analyze_SmallGeneratedData_WritesReportAndPrintsSummary()
    {
        using var dir = new TempDir();
        var data = Generate(dir);
        var (exit, output, err) = CliRunner.Run("analyze", "--data", data, "--out", dir.File("report"), "--cache-dir", dir.File("cache"), "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("base values: 0.03856407 (f_42,", output);
        Assert.Contains("missing together: f_30,f_31; f_43,f_51,f_58,f_59,f_64,f_65,f_66,f_67,f_68,f_69,f_70", output);
        Assert.Contains("duplicates: train", output);
        Assert.Matches(@"entity churn, ads \(f_6\): \d+\.\d % of a labelled day's rows on new ads; \d+\.\d % of test rows on ads unseen in training", output);
        Assert.Contains("entity churn, apps (f_2): ", output);
        Assert.DoesNotContain("left out", output);
        Assert.True(File.Exists(dir.File("report/report.html")));
        Assert.True(File.Exists(dir.File("report/report.json")));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".report*"));
    }

    [Fact]
    public void Analyze_NoTestFolder_ReportsWhatItLeftOut()
    {
        using var dir = new TempDir();
        var data = Generate(dir);
        Directory.Delete(Path.Combine(data, "test"), recursive: true);
        var (exit, output, err) = CliRunner.Run("analyze", "--data", data, "--out", dir.File("report"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("left out: test split", output);
        Assert.Matches(@"entity churn, ads \(f_6\): \d+\.\d % of a labelled day's rows on new ads\r?\n", output);
        Assert.DoesNotContain(output.Split('\n'), line => line.StartsWith("test ", StringComparison.Ordinal));
        Assert.Contains("test split: the data set has no test/ folder", File.ReadAllText(dir.File("report/report.json")));
    }

    [Fact]
    public void Analyze_BadData_DataErrorAndNoReportFolder()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("data/train"));
        File.WriteAllText(dir.File("data/train/000000000000.csv"), "f_0\tf_1\tf_42\n1\t45\tabc\n");
        var (exit, output, err) = CliRunner.Run("analyze", "--data", dir.File("data"), "--out", dir.File("report"), "--no-cache");
        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Equal("", output);
        Assert.StartsWith("error: train/000000000000.csv: line 2, column f_42:", err.Trim());
        Assert.False(Directory.Exists(dir.File("report")));
    }

    [Fact]
    public void Analyze_OutputFolderTaken_IoErrorAndLeavesIt()
    {
        using var dir = new TempDir();
        var data = Generate(dir);
        Directory.CreateDirectory(dir.File("report"));
        File.WriteAllText(dir.File("report/mine.txt"), "keep");
        var (exit, _, err) = CliRunner.Run("analyze", "--data", data, "--out", dir.File("report"), "--no-cache", "-q");
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.Contains("--overwrite", err);
        Assert.Equal("keep", File.ReadAllText(dir.File("report/mine.txt")));
    }
}
