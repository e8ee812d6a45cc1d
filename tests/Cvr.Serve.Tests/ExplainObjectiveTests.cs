using System.Net;
using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Serve.Tests;

/// <summary>A bundle whose boosters have no binary link (trained with another objective) still serves predict;
/// explain answers 501 saying why.</summary>
[Trait("Category", "LightGbm")]
public sealed class ExplainObjectiveTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Explain_BundleOfAnotherObjective_Is501SayingWhy_AndPredictStillServes()
    {
        using var dir = new TempDir();
        var bundle = dir.File("xentropy");
        var options = new TrainingOptions
        {
            MaxRounds = 5, EarlyStoppingRounds = 2, Threads = 1,
            Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["all"] = new Dictionary<string, string> { ["objective"] = "cross_entropy" } },
        };
        Workflow.Train(fixture.Data, bundle, options, new DataSetOptions { UseCache = false }, NullLogger.Instance, new PhaseTimer(), CancellationToken.None);
        using var server = new TestServer(fixture, bundle);
        var request = ServeFixture.Request(fixture.Instance(0));
        var (predicted, _) = await server.Post(request);
        var (status, body) = await server.Post(request, "/v1/models/cvr:explain");
        Assert.Equal(HttpStatusCode.OK, predicted);
        Assert.Equal(HttpStatusCode.NotImplemented, status);
        Assert.Equal("model like was not trained with the binary objective: its probability can't be attributed", body.GetProperty("error").GetString());
    }
}
