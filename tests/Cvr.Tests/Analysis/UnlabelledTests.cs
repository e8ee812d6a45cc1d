using Cvr.Analysis;

namespace Cvr.Tests.Analysis;

public class UnlabelledTests
{
    [Fact]
    public void Analyze_NoLabelsOneDay_LeavesOutLabelsAndValidation()
    {
        var frame = new TestFrameBuilder([45, 45, 45, 45])
            .Categorical("f_6", 1, 1, 2, 2)
            .Numeric("f_42", 0.03856407, 0.07712814, 0.03856407, 0)
            .Build();
        var r = DataAnalyzer.Analyze("unlabelled", frame, null, new AnalysisOptions { RenderCharts = false }).Report;
        Assert.Equal(["train"], r.Splits);
        Assert.Contains(r.LeftOut, n => n.StartsWith("labels", StringComparison.Ordinal));
        Assert.Contains(r.LeftOut, n => n.StartsWith("validation split", StringComparison.Ordinal));
        Assert.Null(Assert.Single(r.Overview.Splits).InstallRate);
        Assert.Null(Assert.Single(r.Duplicates.Splits).Conflicts);
        Assert.Empty(r.Distributions.SelectMany(d => d.Shift));
        Assert.Equal(0.03856407, r.BaseValues.Single().Base!.Value, 1e-7);
        Assert.Contains("Left out", HtmlReport.Render(new AnalysisResult(r, new Dictionary<string, byte[]>())));
    }
}
