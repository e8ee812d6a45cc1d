using System.Net;
using System.Text.Json;

namespace Cvr.Serve.Tests;

[Trait("Category", "LightGbm")]
public sealed class ServerTests(ServeFixture fixture) : ServerTests<ServeFixture>(fixture)
{
    internal static void AssertSame((double Clicked, double Installed) expected, JsonElement prediction, int row)
    {
        var installed = prediction.GetProperty("is_installed").GetDouble();
        var clicked = prediction.GetProperty("is_clicked").GetDouble();
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Installed) == BitConverter.DoubleToInt64Bits(installed),
            $"row {row}: is_installed {installed:R} served, {expected.Installed:R} in the submission");
        Assert.True(BitConverter.DoubleToInt64Bits(expected.Clicked) == BitConverter.DoubleToInt64Bits(clicked),
            $"row {row}: is_clicked {clicked:R} served, {expected.Clicked:R} in the submission");
    }
}

/// <summary>Bundles with the MMOE served row by row: the same bits as <c>cvr predict</c>.</summary>
[Trait("Category", "LightGbm")]
public sealed class MmoeServerTests(MmoeServeFixture fixture) : ServerTests<MmoeServeFixture>(fixture)
{
    [Fact]
    public async Task GetModel_NamesTheMember_WhoseWeightMakesItsPerRowPathCount()
    {
        using var server = new TestServer(Fixture, Fixture.BundleA);
        var member = (await server.Get("/v1/models/cvr")).GetProperty("members").GetProperty("mmoe");
        Assert.Equal("mmoe", member.GetProperty("kind").GetString());
        // With a weight of 0 the bit-for-bit tests above could not see the member's per-row path.
        Assert.InRange(member.GetProperty("weight").GetDouble(), 0.05, 1);
        Assert.True(member.GetProperty("omega").GetDouble() > 0);
    }
}

/// <summary>A real server on a real port, for the bundles of a fixture.</summary>
public abstract partial class ServerTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServeFixture
{
    protected TFixture Fixture => fixture;

    [Fact]
    public async Task Predict_EveryTestRowOneByOne_EqualsThePredictSubmissionToTheBit()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        Assert.True(fixture.TestRows.Length > 300);
        for (var r = 0; r < fixture.TestRows.Length; r++)
        {
            var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(r)));
            Assert.Equal(HttpStatusCode.OK, status);
            var p = Assert.Single(body.GetProperty("predictions").EnumerateArray().ToArray());
            ServerTests.AssertSame(fixture.SubmissionA[fixture.RowId(r)], p, r);
        }
    }

    [Fact]
    public async Task Predict_AllTestRowsInOneBatch_EqualsThePredictSubmissionInRequestOrder()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var order = Enumerable.Range(0, fixture.TestRows.Length).Reverse().ToArray();
        var (status, body) = await server.Post(ServeFixture.Request(order.Select(fixture.Instance).ToArray()));
        Assert.Equal(HttpStatusCode.OK, status);
        var predictions = body.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(order.Length, predictions.Length);
        for (var i = 0; i < order.Length; i++) { ServerTests.AssertSame(fixture.SubmissionA[fixture.RowId(order[i])], predictions[i], order[i]); }
    }

    [Fact]
    public async Task Predict_ManyConcurrentClients_EachGetsItsOwnRowsScores()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var failures = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, fixture.TestRows.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (r, _) =>
        {
            var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(r)));
            var p = body.GetProperty("predictions")[0];
            var expected = fixture.SubmissionA[fixture.RowId(r)];
            if (status != HttpStatusCode.OK || p.GetProperty("is_installed").GetDouble() != expected.Installed) { Interlocked.Increment(ref failures); }
        });
        Assert.Equal(0, failures);
    }

    [Fact]
    public async Task Predict_OnlyTheDay_ScoresEveryOtherFieldAsMissing()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var (absent, a) = await server.Post("""{"instances":[{"f_1":67}]}""");
        var nulls = string.Join(',', fixture.Header.Where(h => h != "f_1").Select(h => $"\"{h}\":null"));
        var (allNull, b) = await server.Post($$"""{"instances":[{"f_1":67,{{nulls}}}]}""");
        Assert.Equal(HttpStatusCode.OK, absent);
        Assert.Equal(HttpStatusCode.OK, allNull);
        Assert.Equal(a.GetRawText(), b.GetRawText());
    }

    [Fact]
    public async Task GetModel_IsReadyWithTheManifestSummary()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var model = await server.Get("/v1/models/cvr");
        Assert.Equal("cvr", model.GetProperty("name").GetString());
        Assert.True(model.GetProperty("ready").GetBoolean());
        Assert.Equal(64, model.GetProperty("bundle_sha256").GetString()!.Length);
        Assert.Equal(["baseline", "click", "e2e", "install", "like"], model.GetProperty("models").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Contains(model.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("name").GetString() == "f_6" && i.GetProperty("kind").GetString() == "categorical");
        Assert.Equal("ok\n", await server.Client.GetStringAsync("/healthz"));
    }

    [Fact]
    public async Task Metrics_CountRequestsByStatusRowsAndLatency()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        await server.Post(ServeFixture.Request(fixture.Instance(0), fixture.Instance(1), fixture.Instance(2)));
        await server.Post(ServeFixture.Request(fixture.Instance(3)));
        await server.Post("{");
        var text = await server.Client.GetStringAsync("/metrics");
        Assert.Contains("cvr_requests_total{route=\"predict\",status=\"200\"} 2\n", text);
        Assert.Contains("cvr_requests_total{route=\"predict\",status=\"400\"} 1\n", text);
        Assert.Contains("cvr_rows_scored_total 4\n", text);
        Assert.Contains("cvr_predict_duration_seconds_count 3\n", text);
        Assert.Contains("cvr_predict_duration_seconds_bucket{le=\"+Inf\"} 3\n", text);
        Assert.Contains("# TYPE cvr_predict_duration_seconds histogram\n", text);
        // The process's own collections: a latency tail can be told apart from the garbage collector's pauses.
        var gen0 = System.Text.RegularExpressions.Regex.Match(text, "cvr_gc_collections_total\\{generation=\"0\"\\} (\\d+)\n");
        Assert.True(gen0.Success, text);
        Assert.True(long.Parse(gen0.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= GC.CollectionCount(2)); // the server runs in this process
        Assert.Matches("cvr_gc_pause_seconds_total [0-9.Ee+-]+\n", text);
    }
}
