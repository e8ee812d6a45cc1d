using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Cvr.Cli.Tests.Shapes;

/// <summary><c>cvr serve</c> under the heap checker on bundles trained from shapes, sent extreme and missing fields.</summary>
public partial class DataShapeTests
{
    /// <summary>Instances a client may send (every one valid by the protocol): each gets 200 and a probability.</summary>
    private static readonly string[] ServedInstances =
    [
        """{"f_1": 67}""",
        """{"f_1": 67, "f_42": 3.4028235e38, "f_43": -3.4028235e38, "f_44": 1e-45, "f_45": -0.0, "f_51": 1.1754942e-38, "f_58": 1e-46, "f_64": -1e38, "f_71": 3.4028235e38}""",
        """{"f_0": 9223372036854775807, "f_1": 2147483647, "f_2": 2147483647, "f_4": -2147483647, "f_6": 0, "f_15": null, "f_30": null}""",
        """{"f_1": -2147483647, "f_6": 2147483647, "f_13": -2147483647}""",
        """{"f_1": 45, "f_33": 1, "f_34": 0, "f_42": 0, "f_51": null, "f_64": null, "f_65": null}""",
    ];

    /// <summary>Instances the protocol refuses: each gets 400 naming the field, never a 500.</summary>
    private static readonly (string Instance, string Field)[] RefusedInstances =
    [
        ("""{"f_1": 67, "f_42": 3.5e38}""", "f_42"),
        ("""{"f_1": 67, "f_6": 2147483648}""", "f_6"),
        ("""{"f_1": 67, "f_6": -2147483648}""", "f_6"),
        ("""{"f_1": 67, "f_6": 1.5}""", "f_6"),
        ("""{"f_1": 2147483648}""", "f_1"),
        ("""{"f_42": 1}""", "f_1"),
        ("""{"f_1": 67, "f_33": 2}""", "f_33"),
    ];

    [Theory]
    [InlineData("extreme-and-subnormal-numerics")]
    [InlineData("every-feature-missing")]
    [InlineData("every-row-installed")]
    public async Task Serve_BundleOfShape_ScoresExtremeAndMissingFields(string name)
    {
        using var dir = new TempDir();
        DataShapes.Named(name).Build().Write(dir.File("data"));
        AssertTrainsAndPredicts(dir, "--max-rounds", "20", "--select-features", "0");

        var port = FreePort();
        using var server = HeapCheckedCli.Start(dir.File("cache"), "serve", "--model", dir.File("model"), "--urls", $"http://127.0.0.1:{port}");
        var stderr = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        server.OutputDataReceived += (_, _) => { };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
            await WaitUntilUp(http, server, stderr);
            foreach (var instance in ServedInstances)
            {
                var (status, body) = await Post(http, $$"""{"instances": [{{instance}}]}""");
                Assert.True(status == HttpStatusCode.OK, $"{instance}: {(int)status} {body}");
                var p = JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0].GetProperty("is_installed").GetDouble();
                Assert.InRange(p, 0, 1);
            }
            var (all, allBody) = await Post(http, $$"""{"instances": [{{string.Join(", ", ServedInstances)}}]}""");
            Assert.True(all == HttpStatusCode.OK, allBody);
            foreach (var (instance, field) in RefusedInstances)
            {
                var (status, body) = await Post(http, $$"""{"instances": [{"f_1": 67}, {{instance}}]}""");
                Assert.True(status == HttpStatusCode.BadRequest, $"{instance}: {(int)status} {body}");
                Assert.Contains($"instances[1].{field}", body, StringComparison.Ordinal);
            }
        }
        finally
        {
            _ = Kill(server.Id, 15);
            var stopped = server.WaitForExit(30_000);
            if (!stopped) { server.Kill(); }
            server.WaitForExit();
            Assert.True(stopped, "cvr serve still running 30 s after SIGTERM");
        }
        Assert.True(server.ExitCode == 0, $"cvr serve exited {server.ExitCode}: {HeapCheckedCli.Tail(stderr.ToString())}");
    }

    private static async Task<(HttpStatusCode Status, string Body)> Post(HttpClient http, string json)
    {
        using var response = await http.PostAsync("/v1/models/cvr:predict", new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitUntilUp(HttpClient http, Process server, StringBuilder stderr)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                if (await http.GetStringAsync("/healthz") == "ok\n") { return; }
            }
            catch (HttpRequestException) when (!server.HasExited && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
                continue;
            }
            catch (HttpRequestException)
            {
                lock (stderr) { Assert.Fail($"cvr serve did not come up (exit {(server.HasExited ? server.ExitCode : -1)}): {HeapCheckedCli.Tail(stderr.ToString())}"); }
            }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
