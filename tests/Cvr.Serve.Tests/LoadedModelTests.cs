namespace Cvr.Serve.Tests;

[Trait("Category", "LightGbm")]
public class LoadedModelTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Load_ThreeLanes_ShareOnePipeline_EachOwnsItsBoosters()
    {
        var model = LoadedModel.Load(fixture.BundleA, lanes: 3);
        var lanes = new List<Lane>();
        try
        {
            for (var i = 0; i < 3; i++) { lanes.Add(await model.RentAsync(CancellationToken.None)); }
            // The bundle was parsed once: one fitted pipeline serves every lane.
            Assert.Single(lanes.Select(l => l.Scoring.Pipeline).Distinct());
            Assert.Equal(3, lanes.Select(l => l.Scoring.Boosters[Modeling.ModelNames.Like]).Distinct().Count());
            Assert.Equal(3, lanes.Select(l => l.Scorer).Distinct().Count());
        }
        finally
        {
            foreach (var lane in lanes) { model.Return(lane); }
            model.Dispose();
        }
    }
}
