using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cvr.Cli.Tests;

/// <summary>One <c>cvr run</c> on small generated data, whose training report the tests read.</summary>
public sealed class TrainedRun : IDisposable
{
    public TrainedRun()
    {
        Directory = new TempDir();
        Data = Directory.File("data");
        Out = Directory.File("run");
        Cvr.Data.Synthetic.SyntheticData.Generate(Data, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.01, Seed: 9));
        var (exit, output, err) = CliRunner.Run("run", "--data", Data, "--out", Out, "--max-rounds", "40", "--select-features", "0.95", "--no-cache", "-q");
        if (exit != ExitCodes.Success) { throw new InvalidOperationException($"cvr run failed ({exit}): {err}"); }
        Output = output;
    }

    internal TempDir Directory { get; }

    public string Data { get; }

    public string Out { get; }

    public string Output { get; }

    public string Model => Path.Combine(Out, "model");

    public string ReportDir => Path.Combine(Out, "report");

    public JsonElement Json => JsonDocument.Parse(File.ReadAllText(Path.Combine(ReportDir, "report.json"))).RootElement;

    public void Dispose() => Directory.Dispose();
}

/// <summary>The training report of <c>cvr train</c>/<c>cvr run</c> and <c>cvr report</c>: its numbers, its rebuild, its page in a browser.</summary>
[Trait("Category", "LightGbm")]
public partial class TrainingReportTests(TrainedRun run) : IClassFixture<TrainedRun>
{
    private static readonly string[] s_sections = ["learning-curves", "importance", "feature-selection", "shap", "reliability", "days", "timings"];

    [Fact]
    public void Run_WritesTheReport_WithEveryModelsCurveImportanceAndShap()
    {
        Assert.Contains($"report: {Path.Combine(run.ReportDir, "report.html")}", run.Output);
        var json = run.Json;
        var models = json.GetProperty("models").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!);
        Assert.Equal(["e2e", "like", "install", "baseline"], models.Keys);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Model, "manifest.json"))).RootElement.GetProperty("models");
        foreach (var (name, m) in models)
        {
            var curve = m.GetProperty("learning_curve");
            var best = m.GetProperty("best_iteration").GetInt32();
            Assert.Equal(m.GetProperty("iterations_run").GetInt32(), curve.GetProperty("iterations").GetArrayLength());
            // The curve at the best iteration is the validation logloss the manifest reports, measured another way
            // (LightGBM's kept scores against a prediction from the saved trees).
            Assert.Equal(manifest.GetProperty(name).GetProperty("validation_logloss").GetDouble(),
                curve.GetProperty("validation")[best - 1].GetDouble(), 1e-9);
            Assert.True(m.GetProperty("importance").GetArrayLength() > 10);
            Assert.Equal(name != "baseline", m.GetProperty("shap").ValueKind == JsonValueKind.Object);
        }
        var shap = models["e2e"].GetProperty("shap");
        Assert.Equal(Math.Min(1000, json.GetProperty("split").GetProperty("validation_rows").GetInt32()), shap.GetProperty("rows").GetInt32());
        Assert.Equal(4, shap.GetProperty("dependence").GetArrayLength());
        var selection = json.GetProperty("feature_selection");
        Assert.Equal(0.95, selection.GetProperty("share").GetDouble());
        Assert.Contains(selection.GetProperty("features").EnumerateArray(), f => !f.GetProperty("kept").GetBoolean());
        Assert.True(json.GetProperty("timings").GetProperty("peak_rss_bytes").GetInt64() > 100_000_000);
    }

    [Fact]
    public void Run_OnGeneratedData_ReportsTheTestDayBesideTheValidationDay_NewAdsApart()
    {
        var json = run.Json;
        var days = json.GetProperty("days").EnumerateArray().ToArray();
        Assert.Equal(["train", "validation", "test"], days.Select(d => d.GetProperty("split").GetString()).Distinct());
        Assert.Contains(days, d => d.GetProperty("split").GetString() == "test" && d.GetProperty("rows").GetString() == "new ads");
        var test = days.Single(d => d.GetProperty("split").GetString() == "test" && d.GetProperty("rows").GetString() == "all");
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.Out, "metrics.json"))).RootElement.GetProperty("test").GetProperty("models");
        var ensemble = metrics.EnumerateArray().Single(m => m.GetProperty("model").GetString() == "ensemble");
        Assert.Equal(ensemble.GetProperty("logloss").GetDouble(), test.GetProperty("logloss").GetDouble(), 1e-12);
        var reliability = json.GetProperty("reliability").EnumerateArray().ToArray();
        Assert.Equal(["validation", "test"], reliability.Select(r => r.GetProperty("split").GetString()));
        foreach (var day in reliability)
        {
            foreach (var curve in day.GetProperty("curves").EnumerateArray())
            {
                Assert.Equal(day.GetProperty("rows").GetInt32(), curve.GetProperty("bins").EnumerateArray().Sum(b => b.GetProperty("rows").GetInt32()));
                Assert.InRange(curve.GetProperty("ece").GetDouble(), 0, 0.2);
            }
        }
    }

    [Fact]
    public void Report_RebuiltFromTheBundleAndItsData_HasTheTrainingRunsNumbers()
    {
        using var dir = new TempDir();
        var rebuilt = dir.File("rebuilt");
        var (exit, output, err) = CliRunner.Run("report", "--model", run.Model, "--data", run.Data, "--out", rebuilt, "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        Assert.Contains("test day included", output);
        var again = JsonDocument.Parse(File.ReadAllText(Path.Combine(rebuilt, "report.json"))).RootElement;
        var first = run.Json;
        foreach (var section in new[] { "days", "reliability", "feature_selection", "split", "ensemble_weights" })
        {
            Assert.Equal(first.GetProperty(section).GetRawText(), again.GetProperty(section).GetRawText());
        }
        foreach (var (a, b) in first.GetProperty("models").EnumerateArray().Zip(again.GetProperty("models").EnumerateArray()))
        {
            foreach (var part in new[] { "learning_curve", "shap", "best_iteration", "stop_reason" })
            {
                Assert.Equal(a.GetProperty(part).GetRawText(), b.GetProperty(part).GetRawText());
            }
        }
        Assert.Equal(JsonValueKind.Null, again.GetProperty("timings").ValueKind);
        Assert.True(again.GetProperty("same_data_as_training").GetBoolean());
    }

    [Fact]
    public void Report_WithoutData_ShowsWhatTheBundleHolds_AndSaysWhatIsLeftOut()
    {
        using var dir = new TempDir();
        var (exit, _, err) = CliRunner.Run("report", "--model", run.Model, "--out", dir.File("r"), "-q");
        Assert.True(exit == ExitCodes.Success, err);
        var json = JsonDocument.Parse(File.ReadAllText(dir.File("r/report.json"))).RootElement;
        Assert.Equal(0, json.GetProperty("days").GetArrayLength());
        Assert.Contains(json.GetProperty("left_out").EnumerateArray(), n => n.GetString()!.StartsWith("SHAP, reliability and per-day metrics: they need the data", StringComparison.Ordinal));
        Assert.True(json.GetProperty("models")[0].GetProperty("learning_curve").GetProperty("iterations").GetArrayLength() > 0);
    }

    [Fact]
    public void Report_IntoANonEmptyFolder_IsRefusedWithoutOverwrite_AndABadBundleIsAModelError()
    {
        using var dir = new TempDir();
        var target = dir.File("r");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "mine");
        var (exit, _, err) = CliRunner.Run("report", "--model", run.Model, "--out", target, "-q");
        Assert.NotEqual(ExitCodes.Success, exit);
        Assert.Contains("exists and is not empty", err);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));
        (exit, _, err) = CliRunner.Run("report", "--model", dir.File("nothing"), "--out", dir.File("r2"), "-q");
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.Contains("no such model bundle folder", err);
        Assert.False(Directory.Exists(dir.File("r2")));
    }

    [Fact]
    public void Train_WithAReportPathThatIsAFile_FailsBeforeTraining_AndWritesNoBundle()
    {
        using var dir = new TempDir();
        var file = dir.File("report");
        File.WriteAllText(file, "mine");
        var (exit, output, err) = CliRunner.Run("train", "--data", run.Data, "--out", dir.File("model"), "--report", file, "--no-cache", "-q");
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: Output path '{file}' is a file, not a folder.", err.Trim());
        Assert.Equal(["report"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
        (exit, _, err) = CliRunner.Run("train", "--data", run.Data, "--out", dir.File("model"), "--report", dir.File("r"), "--no-report", "-q");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: --report and --no-report contradict each other: give one", err.Trim());
    }

    [Fact]
    public void Run_NoReport_WritesNoneAndRemovesAnEarlierRunsReport()
    {
        using var dir = new TempDir();
        var stale = Path.Combine(dir.File("run"), "report");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "report.html"), "an earlier run's model");

        var (exit, output, err) = CliRunner.Run("run", "--data", run.Data, "--out", dir.File("run"), "--max-rounds", "5", "--no-baseline", "--no-report",
            "--json", "--no-cache", "-q");

        Assert.True(exit == ExitCodes.Success, err);
        Assert.False(Directory.Exists(stale));
        Assert.True(File.Exists(Path.Combine(dir.File("run"), "submission.csv")));
        var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.File("run"), "metrics.json"))).RootElement;
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("report").ValueKind);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(output).RootElement.GetProperty("report").ValueKind);
    }

    [ChromiumFact]
    public void Report_InHeadlessChromium_RendersEverySectionAndImage()
    {
        var html = Path.Combine(run.ReportDir, "report.html");
        var imagesInFile = Regex.Matches(File.ReadAllText(html), "<img ").Count;
        var dom = Chromium.DumpDom(html);
        Assert.Contains("data-images-ok=\"true\"", dom);
        var count = ImageCount().Match(dom);
        Assert.True(count.Success, "the page script did not record the image count");
        Assert.Equal(imagesInFile, int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        // e2e, like, install: curve, importance, SHAP and 4 dependence plots; the baseline's curve and importance;
        // selection; reliability before and after on two days; the days chart.
        Assert.Equal(3 * 7 + 2 + 1 + 4 + 1, imagesInFile);
        foreach (var id in s_sections) { Assert.Contains($"<section id=\"{id}\">", dom); }
        Assert.Contains("alt=\"e2e learning curve\"", dom);
        Assert.Contains("alt=\"day 67 reliability after ω\"", dom);
        Assert.Contains("alt=\"feature selection\"", dom);
    }

    [GeneratedRegex("data-image-count=\"(\\d+)\"")]
    private static partial Regex ImageCount();
}
