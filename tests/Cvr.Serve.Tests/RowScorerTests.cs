namespace Cvr.Serve.Tests;

[Trait("Category", "LightGbm")]
public class RowScorerTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public Task Score_AfterTheFirstRow_AllocatesNothing() => WithLane((model, lane, row) =>
    {
        // Features, four single-row LightGBM calls and the combination: nothing on the managed heap per row.
        row.SetNumber(model.Schema.IndexOf("f_42"), 1.5f);
        var first = lane.Scorer.Score(row);
        var same = Repeat(lane, row, first); // warm-up: one-time costs (JIT, lazy statics) are not per row
        var before = GC.GetAllocatedBytesForCurrentThread();
        same += Repeat(lane, row, first);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2000, same);
        Assert.Equal(0, allocated);
    });

    [Fact]
    public Task Score_RowWithoutTheDay_ThrowsNamingIt() => WithLane((model, lane, row) =>
    {
        // A library caller reusing the row: the second impression omits f_1 and must not score on the first's day.
        lane.Scorer.Score(row);
        row.Clear();
        row.SetInteger(model.Schema.IndexOf("f_6"), 12);
        var e = Assert.Throws<ArgumentException>(() => lane.Scorer.Score(row));
        Assert.StartsWith("the row has no f_1 (its day number", e.Message, StringComparison.Ordinal);
    });

    /// <summary>A lane of bundle A with its row cleared and given a day (67) and an ad (f_6 12).</summary>
    private async Task WithLane(Action<LoadedModel, Lane, Features.RawRow> test)
    {
        var model = LoadedModel.Load(fixture.BundleA);
        var lane = await model.RentAsync(CancellationToken.None);
        try
        {
            var row = lane.Row;
            row.Clear();
            row.SetInteger(model.Schema.IndexOf("f_1"), 67);
            row.SetInteger(model.Schema.IndexOf("f_6"), 12);
            test(model, lane, row);
        }
        finally
        {
            model.Return(lane);
            model.Dispose();
        }
    }

    private static int Repeat(Lane lane, Features.RawRow row, Modeling.RowPrediction expected)
    {
        var same = 0;
        for (var i = 0; i < 1000; i++) { same += lane.Scorer.Score(row) == expected ? 1 : 0; }
        return same;
    }
}
