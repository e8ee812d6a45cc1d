using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Cvr.Serve.Tests;

/// <summary><c>cvr serve</c> as a process: signals and exit codes.</summary>
[Trait("Category", "LightGbm")]
public partial class ProcessTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const int SigHup = 1, SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public Task SigHup_ReloadsTheReplacedBundle_WithWatchingOff() => SigHup_Reloads(hangupIgnored: false);

    /// <summary>Started under nohup (SIGHUP ignored, which .NET would leave ignored), SIGHUP still reloads.</summary>
    [Fact]
    public async Task SigHup_StartedWithItIgnored_StillReloads()
    {
        var stderr = await SigHup_Reloads(hangupIgnored: true);
        Assert.Contains("SIGHUP was ignored", stderr, StringComparison.Ordinal);
    }

    private async Task<string> SigHup_Reloads(bool hangupIgnored)
    {
        using var dir = new TempDir();
        var model = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var serve = await ServeProcess.Start(model, hangupIgnored, "--watch-interval", "0");
        var hashA = await serve.Hash();
        fixture.ReplaceAtomically(model, fixture.BundleB);
        await Task.Delay(1500);
        Assert.Equal(hashA, await serve.Hash());
        Assert.Equal(0, Kill(serve.Process.Id, SigHup));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await serve.Hash() == hashA)
        {
            Assert.True(DateTime.UtcNow < deadline, "SIGHUP did not reload within 20 s: " + string.Join(" | ", File.ReadAllLines($"/proc/{serve.Process.Id}/status").Where(l => l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("Shd", StringComparison.Ordinal))) + " stderr: " + serve.Stderr);
            await Task.Delay(50);
        }
        var body = await serve.Predict(ServeFixture.Request(fixture.Instance(0)));
        ServerTests.AssertSame(fixture.SubmissionB[fixture.RowId(0)], JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0], 0);
        serve.Stop();
        Assert.Equal(0, serve.Process.ExitCode);
        return serve.Stderr;
    }

    [Fact]
    public async Task SigTerm_FinishesTheRequestInFlightStopsAcceptingAndExitsZero()
    {
        using var dir = new TempDir();
        var model = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var serve = await ServeProcess.Start(model);
        var body = Encoding.UTF8.GetBytes(ServeFixture.Request(fixture.Instance(5)));
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, serve.Port);
        var stream = client.GetStream();
        var head = Encoding.ASCII.GetBytes($"POST /v1/models/cvr:predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        await stream.WriteAsync(head);
        await stream.WriteAsync(body.AsMemory(0, body.Length / 2));
        await Task.Delay(300);
        // The request is in flight (headers and half the body read) when SIGTERM arrives.
        Assert.Equal(0, Kill(serve.Process.Id, SigTerm));
        await Task.Delay(500);
        Assert.False(serve.Process.HasExited);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var late = new TcpClient();
            await late.ConnectAsync(IPAddress.Loopback, serve.Port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}") };
            await http.GetStringAsync("/healthz");
        });
        await stream.WriteAsync(body.AsMemory(body.Length / 2));
        var response = await ReadResponse(stream);
        Assert.StartsWith("HTTP/1.1 200 OK", response, StringComparison.Ordinal);
        var json = response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        ServerTests.AssertSame(fixture.SubmissionA[fixture.RowId(5)], JsonDocument.Parse(json).RootElement.GetProperty("predictions")[0], 5);
        Assert.True(serve.Exited(20_000), "still running 20 s after SIGTERM");
        Assert.Equal(0, serve.Process.ExitCode);
        Assert.Contains("stopped: 1 rows scored", serve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingBundle_ExitsWithTheModelErrorCode()
    {
        using var dir = new TempDir();
        var (exit, stderr) = await ServeProcess.RunToExit("--model", dir.File("nothing"));
        Assert.Equal(5, exit);
        Assert.Contains("no such model bundle folder", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-batch", "0", "--max-batch 0: expected at least 1")]
    [InlineData("--urls", "https://127.0.0.1:1", "--urls 'https://127.0.0.1:1': expected http://HOST:PORT")]
    [InlineData("--watch-interval", "-1", "--watch-interval -1: expected 0 (off) or a number of seconds")]
    public async Task Serve_BadOption_ExitsWithTheUsageCodeBeforeReadingTheBundle(string option, string value, string message)
    {
        using var dir = new TempDir();
        var (exit, stderr) = await ServeProcess.RunToExit("--model", dir.File("nothing"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_PortInUse_ExitsWithTheIoErrorCode()
    {
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var (exit, stderr) = await ServeProcess.RunToExit("--model", fixture.BundleA, "--urls", $"http://127.0.0.1:{port}");
            Assert.Equal(4, exit);
            Assert.Contains("address already in use", stderr, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            taken.Stop();
        }
    }

    private static async Task<string> ReadResponse(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var n = await stream.ReadAsync(buffer, timeout.Token);
            if (n == 0) { break; }
            text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            var s = text.ToString();
            var end = s.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var length = s.IndexOf("Content-Length: ", StringComparison.OrdinalIgnoreCase);
            if (end > 0 && length > 0)
            {
                var value = int.Parse(s.AsSpan(length + 16, s.IndexOf('\r', length) - length - 16), System.Globalization.CultureInfo.InvariantCulture);
                if (Encoding.UTF8.GetByteCount(s[(end + 4)..]) >= value) { break; }
            }
        }
        return text.ToString();
    }
}
