using Cvr.Analysis;
using Cvr.Data;

namespace Cvr.Tests.Analysis;

public class ClassificationTests
{
    private static readonly ShiftScore[] s_stable = [new("train", "test", 0.01, 0.02, 0)];

    [Fact]
    public void Decide_OneValue_IsConstant()
    {
        var (cls, anomaly, _) = Classification.Decide(ColumnKind.Categorical, 1, s_stable, null, 1.0, "train");
        Assert.Equal((Classification.Anomalous, Classification.ConstantAnomaly), (cls, anomaly));
    }

    [Fact]
    public void Decide_NearlyOneValueInTest_IsNearSingleValued()
    {
        var (cls, anomaly, reason) = Classification.Decide(ColumnKind.Categorical, 4, s_stable, 0, 0.9997, "test");
        Assert.Equal((Classification.Anomalous, Classification.NearSingleAnomaly), (cls, anomaly));
        Assert.Contains("of test", reason);
    }

    [Fact]
    public void Decide_Shifts_InconsistentOrConsistent()
    {
        Assert.Equal(Classification.Inconsistent,
            Classification.Decide(ColumnKind.Numeric, 50, [new("train", "test", 0.3, 0.05, 0)], 0, 0.2, "train").Class);
        Assert.Equal(Classification.Inconsistent,
            Classification.Decide(ColumnKind.Categorical, 50, [new("train", "test", 0.01, null, 0.295)], 0, 0.2, "train").Class);
        Assert.Equal(Classification.Consistent, Classification.Decide(ColumnKind.Numeric, 50, s_stable, 0, 0.2, "train").Class);
    }

    [Fact]
    public void Classify_WeekdayCodeChangingByDay_IsAlternatingAndDropped()
    {
        // f_9-like: days 45..52, each day's rows mostly hold that weekday's code (day % 7) and a few hold the next.
        var days = new List<int>();
        var codes = new List<int?>();
        var other = new List<double>();
        for (var day = 45; day <= 52; day++)
        {
            for (var i = 0; i < 20; i++)
            {
                days.Add(day);
                codes.Add(i < 17 ? day % 7 : (day + 1) % 7);
                other.Add(i % 5);
            }
        }
        var frame = new TestFrameBuilder([.. days]).Categorical("f_6", [.. codes.Select(_ => (int?)1)])
            .Categorical("f_9", [.. codes]).Numeric("f_42", [.. other]).Build();
        var report = DataAnalyzer.Analyze("weekday", frame, null, new AnalysisOptions { RenderCharts = false }).Report;
        var f9 = report.Distributions.Single(d => d.Column == "f_9");
        Assert.Equal((Classification.Anomalous, Classification.AlternatingAnomaly), (f9.Class, f9.Anomaly));
        Assert.Equal(Classification.Drop, f9.Recommendation);
        Assert.True(f9.PaperDrops);
        var f42 = report.Distributions.Single(d => d.Column == "f_42");
        Assert.Equal(Classification.Consistent, f42.Class);
        Assert.Equal(Classification.Keep, f42.Recommendation);
        Assert.Equal(Classification.ConstantAnomaly, report.Distributions.Single(d => d.Column == "f_6").Anomaly);
    }
}
