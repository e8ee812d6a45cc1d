using System.Text.Json;
using Cvr.Analysis;
using Cvr.Data;
using Cvr.Data.Synthetic;

namespace Cvr.Tests.Analysis;

/// <summary>One small generated data set (scale 0.01), analysed once for all tests of the class.</summary>
public sealed class GeneratedDataFixture : IDisposable
{
    public GeneratedDataFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "cvr-analysis-test-" + Guid.NewGuid().ToString("N")[..12]);
        SyntheticData.Generate(Path.Combine(Root, "data"), new GeneratorOptions(0.01, 11, false, null));
        Data = DataSet.Load(Path.Combine(Root, "data"), new DataSetOptions { UseCache = false });
        Result = DataAnalyzer.Analyze(Data);
    }

    public string Root { get; }

    public DataSet Data { get; }

    public AnalysisResult Result { get; }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}

public class DataAnalyzerTests(GeneratedDataFixture fixture) : IClassFixture<GeneratedDataFixture>
{
    private AnalysisReport Report => fixture.Result.Report;

    [Theory]
    [InlineData("f_42", 0.03856407)]
    [InlineData("f_55", 0.03856407)]
    [InlineData("f_44", 0.57112147)]
    [InlineData("f_60", 8.07946039)]
    [InlineData("f_61", 0.147850899)]
    [InlineData("f_62", 0.129299709)]
    [InlineData("f_63", 0.355221093)]
    [InlineData("f_77", 37.38457512)]
    public void Analyze_GeneratedData_RecoversThePapersBases(string column, double paperBase)
    {
        var result = Report.BaseValues.Single(b => b.Column == column);
        Assert.NotNull(result.Base);
        // float32 data carry ~7 significant digits.
        Assert.Equal(1.0, result.Base!.Value / paperBase, 1e-6);
        Assert.True(result.ExplainedShare >= BaseValues.MinExplainedShare);
    }

    [Fact]
    public void Analyze_GeneratedData_AdBlockHasNoBaseAndIsMissingTogether()
    {
        foreach (var column in new[] { "f_43", "f_58", "f_64" })
        {
            Assert.Null(Report.BaseValues.Single(b => b.Column == column).Base);
        }
        var blocks = Report.Missing.Blocks.Select(b => string.Join(",", b.Columns)).ToArray();
        Assert.Contains("f_30,f_31", blocks);
        Assert.Contains("f_43,f_51,f_58,f_59,f_64,f_65,f_66,f_67,f_68,f_69,f_70", blocks);
    }

    [Fact]
    public void Analyze_GeneratedData_DomainsClassesAndDuplicates()
    {
        string Domain(string c) => Report.Columns.Single(p => p.Column == c).GuessedDomain;
        Assert.Equal(["ad", "ad", "user", "interaction", "ad", "constant", "time"],
            new[] { "f_4", "f_6", "f_13", "f_42", "f_64", "f_7", "f_9" }.Select(Domain));
        string Class(string c) => Report.Distributions.Single(d => d.Column == c).Class;
        Assert.Equal(Classification.Anomalous, Class("f_7"));
        Assert.Equal(Classification.Anomalous, Class("f_9"));
        Assert.Equal(Classification.Anomalous, Class("f_23"));
        Assert.Equal(Classification.Inconsistent, Class("f_6"));
        Assert.True(Report.Distributions.Count(d => d.Class == Classification.Consistent) >= 0.7 * Report.Distributions.Count);
        Assert.Equal(["train", "validation", "test"], Report.Duplicates.Splits.Select(s => s.Split));
        Assert.True(Report.Duplicates.Splits[0].Duplicates > 0);
        var unseenAds = Report.Duplicates.UnseenInTest.Single(u => u.Column == "f_6").Share;
        Assert.InRange(unseenAds, 0.1, 0.5);
        Assert.Empty(Report.LeftOut);
    }

    [Fact]
    public void Analyze_GeneratedData_EntityChurnAgreesWithTheUnseenTestAds()
    {
        var ads = Report.Churn.Entities.Single(e => e.Entity == "ads");
        Assert.Equal("f_6", ads.Column);
        Assert.Equal(Report.Overview.RowsPerDay.Select(d => (d.Day, d.Split, d.Rows)), ads.Days.Select(d => (d.Day, d.Split, d.Rows)));
        // Two independent computations of the same number: the value counts of the duplicates section, the rows here.
        Assert.Equal(Report.Duplicates.UnseenInTest.Single(u => u.Column == "f_6").Share, ads.TestUnseenShare!.Value, 12);
        Assert.Equal(ads.TestUnseenShare, ads.Days[^1].NewShare);
        // Ads churn: after the first day a clear minority of rows, but never none, are on new ads.
        Assert.All(ads.LabelledDaysAfterTheFirst(), d => Assert.InRange(d.NewShare!.Value, 0.01, 0.6));
        Assert.Equal(fixture.Data.Train.Categorical("f_6").Cardinality, ads.Days.Where(d => d.Split != "test").Sum(d => d.NewEntities));
        var apps = Report.Churn.Entities.Single(e => e.Entity == "apps");
        Assert.Equal("f_2", apps.Column);
        Assert.True(apps.TestUnseenShare < ads.TestUnseenShare);
        Assert.True(fixture.Result.Charts.ContainsKey(Charts.ChurnId));
    }

    [Fact]
    public void Analyze_GeneratedData_OverviewMatchesTheFrames()
    {
        var train = Report.Overview.Splits.Single(s => s.Split == "train");
        var validation = Report.Overview.Splits.Single(s => s.Split == "validation");
        Assert.Equal((45, 65, 66), (train.FirstDay, train.LastDay, validation.FirstDay));
        Assert.Equal(fixture.Data.Train.RowCount, train.Rows + validation.Rows);
        Assert.Equal(fixture.Data.Train.Days.Count(d => d == 66), validation.Rows);
        Assert.Equal(1.0, train.Joint!.Values.Sum(), 9);
        Assert.Equal(train.Joint["(0,1)"] + train.Joint["(1,1)"], train.InstallRate!.Value, 12);
        Assert.Null(Report.Overview.Splits.Single(s => s.Split == "test").InstallRate);
        Assert.Equal(Report.Overview.RowsPerDay.Sum(d => d.Rows), fixture.Data.Train.RowCount + fixture.Data.Test!.RowCount);
    }

    [Fact]
    public void Write_ReportJsonAndHtml_CompleteAndSelfContained()
    {
        var outDir = Path.Combine(fixture.Root, "report-" + Guid.NewGuid().ToString("N")[..6]);
        ReportWriter.Write(outDir, fixture.Result, overwrite: false);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, ReportWriter.JsonName)));
        var root = json.RootElement;
        foreach (var section in new[] { "overview", "columns", "baseValues", "missing", "distributions", "duplicates", "churn", "timings", "leftOut" })
        {
            Assert.True(root.TryGetProperty(section, out _), section);
        }
        var f42 = root.GetProperty("baseValues").EnumerateArray().Single(b => b.GetProperty("column").GetString() == "f_42");
        Assert.Equal(0.03856407, f42.GetProperty("base").GetDouble(), 1e-8);
        Assert.Equal(78, root.GetProperty("distributions").GetArrayLength());

        var html = File.ReadAllText(Path.Combine(outDir, ReportWriter.HtmlName));
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        foreach (var id in HtmlReport.SectionIds) { Assert.Contains($"<section id=\"{id}\">", html); }
        Assert.Equal(fixture.Result.Charts.Count, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Empty(Directory.GetDirectories(fixture.Root, ".report-*"));
    }

    [Fact]
    public void Write_ExistingNonEmptyFolderWithoutOverwrite_FailsAndKeepsIt()
    {
        var outDir = Path.Combine(fixture.Root, "taken");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "x");
        Assert.Throws<IOException>(() => ReportWriter.Write(outDir, fixture.Result, overwrite: false));
        Assert.Equal(["keep.txt"], Directory.GetFiles(outDir).Select(Path.GetFileName));
    }

    [Fact]
    public void Analyze_NoTestSplit_KeepsWhatMakesSenseAndSaysWhatItLeftOut()
    {
        var result = DataAnalyzer.Analyze("train only", fixture.Data.Train, null, new AnalysisOptions { RenderCharts = false });
        var r = result.Report;
        Assert.Equal(["train", "validation"], r.Splits);
        Assert.Contains(r.LeftOut, n => n.StartsWith("test split", StringComparison.Ordinal));
        Assert.All(r.Distributions, d => Assert.Equal("train→validation", Assert.Single(d.Shift.Select(s => $"{s.From}→{s.To}"))));
        Assert.Empty(r.Duplicates.UnseenInTest);
        Assert.All(r.Churn.Entities, e => Assert.Null(e.TestUnseenShare));
        Assert.Contains(r.LeftOut, n => n.StartsWith("test split", StringComparison.Ordinal) && n.Contains("entity churn", StringComparison.Ordinal));
        Assert.Equal(["train", "validation"], r.Duplicates.Splits.Select(s => s.Split));
        Assert.Contains(r.BaseValues, b => b.Base is not null);
        Assert.Empty(result.Charts);
    }
}
