using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cvr.Serve.Tests;

/// <summary>The bad-request corpus: each body gets a 400 and an error naming the instance, the field and what was
/// expected; never a 500, and the server keeps serving.</summary>
[Trait("Category", "LightGbm")]
public sealed class BadRequestTests : IClassFixture<ServeFixture>, IDisposable
{
    private const int MaxBatch = 3;
    private const long MaxBody = 20_000;
    private readonly ServeFixture _fixture;
    private readonly TestServer _server;

    public BadRequestTests(ServeFixture fixture)
    {
        _fixture = fixture;
        _server = new TestServer(fixture, fixture.BundleA, maxBatch: MaxBatch, maxBody: MaxBody);
    }

    private const string Ok = """{"f_1":67,"f_6":12}""";

    /// <summary>Body; expected instance (−1: none), field (null: none) and the whole message.</summary>
    public static TheoryData<string, int, string?, string> Corpus => new()
    {
        { "", -1, null, "request: malformed JSON (The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true. LineNumber: 0 | BytePositionInLine: 0.) (expected a JSON object {\"instances\": [...]})" },
        { "{\"instances\":[{\"f_1\":67,}]}", -1, null, "request: malformed JSON (The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options. LineNumber: 0 | BytePositionInLine: 24.) (expected a JSON object {\"instances\": [...]})" },
        { "{\"instances\":[" + Ok + "]} x", -1, null, "request: malformed JSON ('x' is invalid after a single JSON value. Expected end of data. LineNumber: 0 | BytePositionInLine: 36.) (expected a JSON object {\"instances\": [...]})" },
        { "[" + Ok + "]", -1, null, "request: an array at the top level (expected a JSON object {\"instances\": [...]})" },
        { "{\"inputs\":[" + Ok + "]}", -1, "inputs", "inputs: unknown field (expected only \"instances\")" },
        { "{}", -1, "instances", "instances: missing (expected {\"instances\": [...]} with at least one instance)" },
        { "{\"instances\":{}}", -1, "instances", "instances: an object (expected an array of objects)" },
        { "{\"instances\":[]}", -1, "instances", "instances: an empty array (expected at least one instance)" },
        { "{\"instances\":[" + Ok + "],\"instances\":[" + Ok + "]}", -1, "instances", "instances: given twice (expected one instances array)" },
        { "{\"instances\":[" + Ok + ",[67]]}", 1, null, "instances[1]: an array (expected an object of fields f_0 … f_79)" },
        { "{\"instances\":[" + Ok + ",{\"f_1\":67,\"f_99\":1}]}", 1, "f_99", "instances[1].f_99: unknown field (expected one of the model's inputs f_0 … f_79, as named in the data files (GET /v1/models/cvr lists them))" },
        { "{\"instances\":[{\"f_1\":67,\"is_installed\":1}]}", 0, "is_installed", "instances[0].is_installed: unknown field (expected one of the model's inputs f_0 … f_79, as named in the data files (GET /v1/models/cvr lists them))" },
        { "{\"instances\":[{\"f_1\":67,\"f_06\":1}]}", 0, "f_06", "instances[0].f_06: unknown field (expected one of the model's inputs f_0 … f_79, as named in the data files (GET /v1/models/cvr lists them))" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":\"abc\"}]}", 0, "f_6", "instances[0].f_6: the string \"abc\" (expected an integer category from -2147483647 to 2147483647 or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":1.5}]}", 0, "f_6", "instances[0].f_6: the number 1.5 (expected an integer category from -2147483647 to 2147483647 or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":2147483648}]}", 0, "f_6", "instances[0].f_6: the number 2147483648 (expected an integer category from -2147483647 to 2147483647 or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":-2147483648}]}", 0, "f_6", "instances[0].f_6: the number -2147483648 (expected an integer category from -2147483647 to 2147483647 or null)" },
        { "{\"instances\":[{\"f_1\":67.5}]}", 0, "f_1", "instances[0].f_1: the number 67.5 (expected an integer day number)" },
        { "{\"instances\":[{\"f_1\":null}]}", 0, "f_1", "instances[0].f_1: null (expected an integer day number (as in the data files))" },
        { "{\"instances\":[" + Ok + ",{\"f_6\":3}]}", 1, "f_1", "instances[1].f_1: missing (expected an integer day number (as in the data files))" },
        { "{\"instances\":[{\"f_1\":67,\"f_0\":\"r1\"}]}", 0, "f_0", "instances[0].f_0: the string \"r1\" (expected an integer row id or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":true}]}", 0, "f_42", "instances[0].f_42: the boolean true (expected a finite number or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":{\"v\":1}}]}", 0, "f_42", "instances[0].f_42: an object (expected a finite number or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":\"NaN\"}]}", 0, "f_42", "instances[0].f_42: the string \"NaN\" (JSON has no non-finite numbers; a missing value is null) (expected a finite number or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":\"-Infinity\"}]}", 0, "f_42", "instances[0].f_42: the string \"-Infinity\" (JSON has no non-finite numbers; a missing value is null) (expected a finite number or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":1e39}]}", 0, "f_42", "instances[0].f_42: 1e39 is not finite as a 32-bit float (expected a finite number or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_42\":NaN}]}", -1, null, "request: malformed JSON ('N' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 31.) (expected a JSON object {\"instances\": [...]})" },
        { "{\"instances\":[{\"f_1\":67,\"f_33\":2}]}", 0, "f_33", "instances[0].f_33: 2 is not a binary value (expected 0, 1 or null)" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":1,\"f_6\":2}]}", 0, "f_6", "instances[0].f_6: given twice (expected each field at most once)" },
        { "{\"instances\":[" + Ok + "," + Ok + "," + Ok + "," + Ok + "]}", 3, null, "instances[3]: more than 3 instances in one request (expected at most --max-batch 3)" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Explain_BadRequest_IsAnsweredExactlyAsPredictAnswersIt(string body, int instance, string? field, string message)
    {
        _ = (instance, field);
        var (status, error) = await _server.Post(body, "/v1/models/cvr:explain");
        var (predictStatus, predictError) = await _server.Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(predictStatus, status);
        Assert.Equal(message, error.GetProperty("error").GetString());
        Assert.Equal(predictError.GetRawText(), error.GetRawText());
    }

    [Theory]
    [InlineData("?top=-1", "top", "top: the text \"-1\" (expected a whole number of features ≥ 0 (0: every feature; default 10))")]
    [InlineData("?top=ten", "top", "top: the text \"ten\" (expected a whole number of features ≥ 0 (0: every feature; default 10))")]
    [InlineData("?top=1&top=2", "top", "top: given twice (expected one ?top=K)")]
    [InlineData("?k=3", "k", "k: unknown query parameter (expected only ?top=K)")]
    public async Task Explain_BadTopParameter_Is400NamingIt(string query, string field, string message)
    {
        var (status, error) = await _server.Post(ServeFixture.Request(Ok), "/v1/models/cvr:explain" + query);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, error.GetProperty("error").GetString());
        Assert.Equal(field, error.GetProperty("field").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, error.GetProperty("instance").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Predict_BadRequest_Is400NamingInstanceFieldAndExpectation(string body, int instance, string? field, string message)
    {
        var (status, error) = await _server.Post(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, error.GetProperty("error").GetString());
        var at = error.GetProperty("instance");
        Assert.Equal(instance, at.ValueKind == System.Text.Json.JsonValueKind.Null ? -1 : at.GetInt32());
        Assert.Equal(field, error.GetProperty("field").GetString());
        // Still serving, and a good request right after is fine.
        var (ok, _) = await _server.Post("{\"instances\":[" + Ok + "]}");
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    /// <summary>Body with @ for 2 MiB of client text (its start, then filler); the expected error and field, with #
    /// for the echo: the text's first 64 characters, an ellipsis and its length.</summary>
    public static TheoryData<string, string, char, string, string> HugeCorpus => new()
    {
        { "{\"instances\":[{\"f_1\":67,\"@\":1}]}", "", 'a', "instances[0].#: unknown field (expected one of the model's inputs f_0 … f_79, as named in the data files (GET /v1/models/cvr lists them))", "#" },
        { "{\"@\":[]}", "", 'a', "#: unknown field (expected only \"instances\")", "#" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":\"@\"}]}", "", 'a', "instances[0].f_6: the string \"#\" (expected an integer category from -2147483647 to 2147483647 or null)", "f_6" },
        // Recognised as NaN once trimmed: the spaces were echoed whole.
        { "{\"instances\":[{\"f_1\":67,\"f_42\":\"@\"}]}", "NaN", ' ', "instances[0].f_42: the string \"#\" (JSON has no non-finite numbers; a missing value is null) (expected a finite number or null)", "f_42" },
        { "{\"instances\":[{\"f_1\":67,\"f_6\":@}]}", "1", '0', "instances[0].f_6: the number # (expected an integer category from -2147483647 to 2147483647 or null)", "f_6" },
    };

    [Theory]
    [MemberData(nameof(HugeCorpus))]
    public async Task Predict_HugeClientText_Is400WithASmallAnswerThatStillNamesIt(string template, string start, char filler, string message, string field)
    {
        const int Huge = 2 * 1024 * 1024;
        var body = template.Replace("@", start + new string(filler, Huge - start.Length), StringComparison.Ordinal);
        var echo = start + new string(filler, 64 - start.Length) + "… (2,097,152 characters)";
        using var server = new TestServer(_fixture, _fixture.BundleA, maxBody: 3 * Huge);
        using var response = await server.Client.PostAsync("/v1/models/cvr:predict", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(answer.Length < 1024, $"an answer of {answer.Length:N0} characters: {answer[..Math.Min(answer.Length, 300)]}");
        var error = System.Text.Json.JsonDocument.Parse(answer).RootElement;
        Assert.Equal(message.Replace("#", echo, StringComparison.Ordinal), error.GetProperty("error").GetString());
        Assert.Equal(field.Replace("#", echo, StringComparison.Ordinal), error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Predict_BodyOverTheLimit_Is400NamingTheLimit()
    {
        var instances = Enumerable.Repeat(_fixture.Instance(0), MaxBatch).ToArray();
        var padded = ServeFixture.Request(instances).Replace("{\"instances\"", new string(' ', (int)MaxBody) + "{\"instances\"", StringComparison.Ordinal);
        var (status, error) = await _server.Post(padded);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("request: the body is over the size limit of 20,000 bytes (expected at most 20,000 bytes (--max-body-bytes))", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Predict_ChunkedBodyOverTheLimit_Is400Too()
    {
        // No Content-Length: the limit is enforced while reading.
        var body = new string(' ', (int)MaxBody + 10) + "{}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models/cvr:predict") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _server.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("over the size limit of 20,000 bytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_ClientLeavesMidBody_IsNotAServerError()
    {
        var uri = _server.Client.BaseAddress!;
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(uri.Host, uri.Port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/models/cvr:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"instances\":["));
            client.Client.Shutdown(SocketShutdown.Send);
            using var reader = new StreamReader(stream);
            // No answer: the server closes (or resets) the connection.
            string answer;
            try { answer = await reader.ReadToEndAsync(); }
            catch (IOException) { answer = ""; }
            Assert.Equal("", answer);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string metrics;
        // Kestrel sees either the connection go (499) or the body end early (its BadHttpRequestException: a 400
        // nobody reads), depending on timing; never a server error.
        while (!(metrics = await _server.Client.GetStringAsync("/metrics")).Contains("cvr_requests_total{route=\"predict\",status=\"499\"} 1\n", StringComparison.Ordinal)
            && !metrics.Contains("cvr_requests_total{route=\"predict\",status=\"400\"} 1\n", StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, metrics);
            await Task.Delay(50);
        }
        Assert.DoesNotContain("status=\"500\"", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain(_server.Log.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Predict_ClientsResetMidBody_Count499AndLogNoError()
    {
        const int Clients = 5;
        var port = _server.Client.BaseAddress!.Port;
        for (var c = 0; c < Clients; c++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            // Expect: 100-continue makes Kestrel say when the endpoint starts reading the body: the reset then
            // always lands mid-body, never before the request exists.
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /v1/models/cvr:predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\nExpect: 100-continue\r\n\r\n"));
            var buffer = new byte[256];
            var answer = "";
            while (!answer.Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(buffer);
                Assert.True(n > 0, $"closed after '{answer}'");
                answer += Encoding.ASCII.GetString(buffer, 0, n);
            }
            Assert.StartsWith("HTTP/1.1 100 Continue", answer, StringComparison.Ordinal);
            await socket.SendAsync("{\"instances\":[{\"f_1\":67,"u8.ToArray());
            // Close with RST instead of FIN: linger on, zero seconds.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        // Each request is counted once, when the server has given up on it.
        string metrics;
        await ReloadTests.WaitUntil(async () => PredictNot200(metrics = await _server.Client.GetStringAsync("/metrics")) == Clients);
        metrics = await _server.Client.GetStringAsync("/metrics");
        // Not one 500 (no client received one): all 499, nginx's "client closed request", like an orderly abort.
        Assert.Equal(
            ["cvr_requests_total{route=\"predict\",status=\"200\"} 0", $"cvr_requests_total{{route=\"predict\",status=\"499\"}} {Clients}"],
            metrics.Split('\n').Where(l => l.StartsWith("cvr_requests_total{route=\"predict\"", StringComparison.Ordinal)));
        Assert.True(!_server.Log.Lines.Any(l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("   at ", StringComparison.Ordinal)), string.Join("\n", _server.Log.Lines));
        Assert.Equal(Clients, _server.Log.Lines.Count(l => l.StartsWith("Debug: client closed", StringComparison.Ordinal)));
    }

    /// <summary>Predict requests counted under any status but 200.</summary>
    private static long PredictNot200(string metrics) => metrics.Split('\n')
        .Where(l => l.StartsWith("cvr_requests_total{route=\"predict\",status=", StringComparison.Ordinal) && !l.Contains("status=\"200\"", StringComparison.Ordinal))
        .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Predict_InvalidUtf8InAString_Is400()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"instances\":[{\"f_1\":67,\"f_6\":\"__\"}]}");
        var at = bytes.AsSpan().IndexOf("__"u8);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        using var response = await _server.Client.PostAsync("/v1/models/cvr:predict", new ByteArrayContent(bytes));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.StartsWith("instances[0].f_6: the string \"(not valid UTF-8)\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_AfterTheCorpus_CountNo500()
    {
        foreach (var row in Corpus) { await _server.Post((string)row[0]); }
        var text = await _server.Client.GetStringAsync("/metrics");
        Assert.Contains($"cvr_requests_total{{route=\"predict\",status=\"400\"}} {Corpus.Count()}\n", text);
        Assert.DoesNotContain("status=\"500\"", text);
        Assert.DoesNotContain("status=\"5xx\"", text);
    }

    public void Dispose() => _server.Dispose();
}
