using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Cvr.Serve.Tests;

/// <summary>A real Kestrel server on a loopback port the OS picks, started in this process, serving its own copy
/// of a bundle; with a client.</summary>
internal sealed class TestServer : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly RunningServer _server;

    public TestServer(ServeFixture fixture, string bundle, int maxBatch = ServeOptions.DefaultMaxBatch, long? maxBody = null, TimeSpan? reload = null)
    {
        ModelDir = fixture.Copy(bundle, _dir.File("model"));
        Log = new ListLogger();
        _server = ServeHost.Start(new ServeOptions
        {
            ModelDir = ModelDir,
            Urls = "http://127.0.0.1:0",
            MaxBatch = maxBatch,
            MaxBodyBytes = maxBody,
            ReloadInterval = reload ?? TimeSpan.FromMilliseconds(100),
            // Two lanes whatever the machine: concurrent requests score on different copies of the boosters.
            Scorers = 2,
        }, Log, fixture.Kinds);
        Client = new HttpClient { BaseAddress = new Uri(_server.Addresses[0]) };
    }

    public string ModelDir { get; }

    public HttpClient Client { get; }

    public ListLogger Log { get; }

    internal RunningServer Server => _server;

    public Task<(HttpStatusCode Status, JsonElement Body)> Post(string body) => Post(body, "/v1/models/cvr:predict");

    /// <summary>POSTs a JSON body to <paramref name="path"/> (e.g. <c>/v1/models/cvr:explain?top=3</c>).</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> Post(string body, string path)
    {
        using var response = await Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> Get(string path) => JsonDocument.Parse(await Client.GetStringAsync(path)).RootElement.Clone();

    public void Dispose()
    {
        Client.Dispose();
        _server.Dispose();
        _dir.Dispose();
    }
}
