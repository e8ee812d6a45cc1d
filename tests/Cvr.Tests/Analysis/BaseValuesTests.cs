using Cvr.Analysis;
using Cvr.Data;

namespace Cvr.Tests.Analysis;

public class BaseValuesTests
{
    private static ColumnDistribution Column(IEnumerable<double> values)
        // Through float32, as the reader stores them.
        => ColumnDistribution.FromArrays("f_42", ColumnKind.Numeric, values.Select(v => (double)(float)v).ToArray());

    [Fact]
    public void Detect_CountsTimesPaperBase_RecoversTheBaseAndExplainsEveryValue()
    {
        const double paperBase = 0.03856407;
        // Counts 0..5000 and a few large ones (f_42 reaches 608,904): float32 still resolves the integers.
        var counts = Enumerable.Range(0, 5001).Concat([100_000, 608_904]);
        var result = BaseValues.Detect(Column(counts.Select(k => k * paperBase)), "0.03856407");
        Assert.NotNull(result.Base);
        Assert.Equal(paperBase, result.Base!.Value, paperBase * 1e-7);
        Assert.Equal(1.0, result.ExplainedShare);
        Assert.Equal(608_904, result.MaxCount);
        Assert.True(result.ChanceShare < BaseValues.MaxChanceShare);
    }

    [Fact]
    public void Detect_NoCountOfOne_FindsTheBaseByDivision()
    {
        // Smallest value is 2 × base (a count of 1 never occurs): the candidate smallest/2 explains all.
        const double paperBase = 0.57112147;
        var result = BaseValues.Detect(Column(new[] { 2, 3, 5, 7, 10, 0 }.Select(k => k * paperBase)), null);
        Assert.Equal(paperBase, result.Base!.Value, 1e-6);
        Assert.Equal(10, result.MaxCount);
    }

    [Fact]
    public void Detect_ContinuousColumn_ReportsNoBase()
    {
        // Deterministic irrational-looking values: i·π mod 7 + e has no common unit.
        var values = Enumerable.Range(1, 2000).Select(i => i * Math.PI % 7 + Math.E);
        var result = BaseValues.Detect(Column(values), null);
        Assert.Null(result.Base);
        Assert.StartsWith("no base", result.Note);
        Assert.True(result.ExplainedShare < 0.05, $"explained {result.ExplainedShare}");
    }

    [Fact]
    public void Detect_ValuesRoundedToDecimals_IsADecimalStepNotABase()
    {
        var values = Enumerable.Range(1, 500).Select(i => Math.Round(i * 0.0137, 4)).Append(0.0001);
        var result = BaseValues.Detect(Column(values), null);
        Assert.Null(result.Base);
        Assert.Contains("rounded to 4 decimals", result.Note);
    }

    [Fact]
    public void Detect_HugeValuesOverATinySmallest_CannotTellAndSaysSo()
    {
        // Like f_64: a heavy tail in the hundreds of millions over a smallest value of 0.5; every value is
        // "within tolerance" of a multiple, so the chance share is 1 and no base is claimed.
        var values = Enumerable.Range(1, 1000).Select(i => 5.6e7 + i * 12345.678).Append(0.5);
        var result = BaseValues.Detect(Column(values), null);
        Assert.Null(result.Base);
        Assert.Contains("too large", result.Note);
    }

    [Fact]
    public void Detect_MissingAndNegativeOnly_NoPositiveValues()
    {
        var result = BaseValues.Detect(Column([double.NaN, -1, 0]), null);
        Assert.Null(result.Base);
        Assert.Equal("no positive values", result.Note);
    }
}
