using System.Net;
using System.Text.Json;
using Cvr.Data;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Serve.Tests;

/// <summary>The explain verb through a real server: the same bits as <c>cvr explain</c>, beside predict.</summary>
public abstract partial class ServerTests<TFixture>
{
    private const string ExplainPath = "/v1/models/cvr:explain";

    [Fact]
    public async Task Explain_EveryTestRowOneByOne_IsCvrExplainsLineToTheBit()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var lines = CvrExplain(top: 0);
        Assert.Equal(fixture.TestRows.Length, lines.Count);
        for (var r = 0; r < fixture.TestRows.Length; r++)
        {
            var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(r)), ExplainPath + "?top=0");
            Assert.Equal(HttpStatusCode.OK, status);
            var explanation = Assert.Single(body.GetProperty("explanations").EnumerateArray().ToArray());
            Assert.Equal(lines[fixture.RowId(r)], explanation.GetRawText());
            ServerTests.AssertSame(fixture.SubmissionA[fixture.RowId(r)], explanation, r);
        }
    }

    [Fact]
    public async Task Explain_ByDefault_ListsTheTopTenPerModel_AndSaysWhatIsNotExplained()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var lines = CvrExplain(top: ExplanationJson.DefaultTop);
        var order = new[] { 3, 0, 7 };
        var (status, body) = await server.Post(ServeFixture.Request(order.Select(fixture.Instance).ToArray()), ExplainPath);
        Assert.Equal(HttpStatusCode.OK, status);
        var explanations = body.GetProperty("explanations").EnumerateArray().ToArray();
        Assert.Equal(order.Select(r => lines[fixture.RowId(r)]), explanations.Select(e => e.GetRawText()));
        var first = explanations[0];
        Assert.Equal(["like", "install", "e2e", "click"], first.GetProperty("models").EnumerateObject().Select(m => m.Name));
        Assert.Equal(10, first.GetProperty("models").GetProperty("e2e").GetProperty("contributions").GetArrayLength());
        // Members have no TreeSHAP: each is one term of its own, and the terms add up to the served probability.
        var attribution = first.GetProperty("is_installed_attribution");
        var members = attribution.GetProperty("unexplained_members").EnumerateObject().ToDictionary(m => m.Name, m => m.Value.GetDouble());
        Assert.Equal(fixture is MmoeServeFixture ? ["mmoe"] : [], members.Keys);
        Assert.All(members.Values, v => Assert.InRange(v, 1e-6, 1));
        var sum = attribution.GetProperty("base").GetDouble() + members.Values.Sum() + attribution.GetProperty("rest").GetDouble()
            + attribution.GetProperty("contributions").EnumerateArray().Sum(c => c.GetProperty("contribution").GetDouble());
        Assert.Equal(first.GetProperty("is_installed").GetDouble(), sum, 1e-9);
        var (_, three) = await server.Post(ServeFixture.Request(fixture.Instance(0)), ExplainPath + "?top=3");
        Assert.Equal(3, three.GetProperty("explanations")[0].GetProperty("models").GetProperty("like").GetProperty("contributions").GetArrayLength());
    }

    [Fact]
    public async Task Explain_BesidePredictOnTwoLanes_EveryAnswerStaysExact()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var lines = CvrExplain(top: 5);
        var failures = 0;
        // Predicts and explains of every row interleaved, 8 at a time on the server's two lanes.
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * fixture.TestRows.Length), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (k, _) =>
        {
            var r = k / 2;
            var explain = k % 2 == 1;
            var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(r)), explain ? ExplainPath + "?top=5" : "/v1/models/cvr:predict");
            var same = status == HttpStatusCode.OK && (explain
                ? body.GetProperty("explanations")[0].GetRawText() == lines[fixture.RowId(r)]
                : body.GetProperty("predictions")[0].GetProperty("is_installed").GetDouble() == fixture.SubmissionA[fixture.RowId(r)].Installed);
            if (!same) { Interlocked.Increment(ref failures); }
        });
        Assert.Equal(0, failures);
        var metrics = await server.Client.GetStringAsync("/metrics");
        Assert.Contains($"cvr_requests_total{{route=\"explain\",status=\"200\"}} {fixture.TestRows.Length}\n", metrics);
        Assert.Contains($"cvr_requests_total{{route=\"predict\",status=\"200\"}} {fixture.TestRows.Length}\n", metrics);
        Assert.Contains($"cvr_rows_explained_total {fixture.TestRows.Length}\n", metrics);
    }

    /// <summary><c>cvr explain</c>'s lines for bundle A (through <see cref="ExplainFile.Write"/>, the command's body), by row id.</summary>
    private Dictionary<long, string> CvrExplain(int top)
    {
        using var dir = new TempDir();
        var file = dir.File("explain.jsonl");
        ExplainFile.Write(fixture.BundleA, fixture.Data, file, null, top, threads: 1, new DataSetOptions { UseCache = false }, NullLogger.Instance, new PhaseTimer(), fixture.Kinds);
        return File.ReadAllLines(file).ToDictionary(l => JsonDocument.Parse(l).RootElement.GetProperty("row_id").GetInt64());
    }
}
