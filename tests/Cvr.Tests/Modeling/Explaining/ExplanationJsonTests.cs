using System.Buffers;
using System.Text;
using System.Text.Json;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;

namespace Cvr.Tests.Modeling.Explaining;

public class ExplanationJsonTests
{
    [Fact]
    public void Top_ByMagnitude_TiesInFeatureOrder()
    {
        double[] c = [0.5, -2, 0, 2, -0.5];
        Assert.Equal([1, 3], ExplanationJson.Top(c, 2));
        Assert.Equal([1, 3, 0, 4, 2], ExplanationJson.Top(c, 0));
        Assert.Equal([1, 3, 0, 4, 2], ExplanationJson.Top(c, 9));
    }

    [Fact]
    public void Write_TopTwo_ListsThemAndSumsTheRestWithNullForAMissingInput()
    {
        var row = new RowExplanation(7, new RowPrediction(0.25, 0.5), [1.5f, float.NaN, 3f],
            [new BoosterContributions("e2e", -1, -0.75, [0.25, -0.125, 0.125])],
            new ServedAttribution(0.25, 0.2, [0.03, 0.015, -0.005], new Dictionary<string, double> { ["mmoe"] = 0.01 }));
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, ExplanationJson.WriterOptions)) { ExplanationJson.Write(w, row, ["a", "b\"", "c"], top: 2); }
        const string expected = """
            {"row_id":7,"is_installed":0.25,"is_clicked":0.5,"is_installed_attribution":{"base":0.2,"unexplained_members":{"mmoe":0.01},"rest":-0.005,
            "contributions":[{"feature":"a","value":1.5,"contribution":0.03},{"feature":"b\"","value":null,"contribution":0.015}]},
            "models":{"e2e":{"expected_value":-1,"raw_score":-0.75,"rest":0.125,"contributions":[{"feature":"a","value":1.5,"contribution":0.25},
            {"feature":"b\"","value":null,"contribution":-0.125}]}}}
            """;
        Assert.Equal(expected.Replace("\n", "", StringComparison.Ordinal), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
