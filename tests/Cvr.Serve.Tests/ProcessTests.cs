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
    public async Task SigHup_ReloadsTheReplacedBundle_WithWatchingOff()
    {
        using var dir = new TempDir();
        var model = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var serve = await Serve.Start(model, "--watch-interval", "0");
        var hashA = await serve.Hash();
        fixture.ReplaceAtomically(model, fixture.BundleB);
        await Task.Delay(1500);
        Assert.Equal(hashA, await serve.Hash());
        Assert.Equal(0, Kill(serve.Process.Id, SigHup));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await serve.Hash() == hashA)
        {
            Assert.True(DateTime.UtcNow < deadline, "SIGHUP did not reload within 20 s");
            await Task.Delay(50);
        }
        var body = await serve.Predict(ServeFixture.Request(fixture.Instance(0)));
        ServerTests.AssertSame(fixture.SubmissionB[fixture.RowId(0)], JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0], 0);
        serve.Stop();
        Assert.Equal(0, serve.Process.ExitCode);
    }

    [Fact]
    public async Task SigTerm_FinishesTheRequestInFlightStopsAcceptingAndExitsZero()
    {
        using var dir = new TempDir();
        var model = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var serve = await Serve.Start(model);
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
        Assert.True(serve.Process.WaitForExit(20_000), "still running 20 s after SIGTERM");
        Assert.Equal(0, serve.Process.ExitCode);
        Assert.Contains("stopped: 1 rows scored", serve.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_MissingBundle_ExitsWithTheModelErrorCode()
    {
        using var dir = new TempDir();
        var (exit, stderr) = await Serve.RunToExit("--model", dir.File("nothing"));
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
        var (exit, stderr) = await Serve.RunToExit("--model", dir.File("nothing"), option, value);
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
            var (exit, stderr) = await Serve.RunToExit("--model", fixture.BundleA, "--urls", $"http://127.0.0.1:{port}");
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

/// <summary>A <c>cvr serve</c> process on a free loopback port.</summary>
internal sealed class Serve : IDisposable
{
    private readonly StringBuilder _stderr = new();

    private Serve(Process process, int port)
    {
        Process = process;
        Port = port;
        process.ErrorDataReceived += (_, e) => { lock (_stderr) { _stderr.AppendLine(e.Data); } };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public Process Process { get; }

    public int Port { get; }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    // The CLI builds next to this project: .../src/Cvr.Cli/bin/<configuration>/<tfm>/.
    private static string CliPath => Path.Combine(
        AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}Cvr.Serve.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}src{Path.DirectorySeparatorChar}Cvr.Cli{Path.DirectorySeparatorChar}", StringComparison.Ordinal),
        "Cvr.Cli.dll");

    private static Process Launch(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(CliPath);
        start.ArgumentList.Add("serve");
        foreach (var a in args) { start.ArgumentList.Add(a); }
        return Process.Start(start) ?? throw new InvalidOperationException("could not start cvr serve");
    }

    public static async Task<Serve> Start(string model, params string[] args)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var serve = new Serve(Launch(["--model", model, "--urls", $"http://127.0.0.1:{port}", .. args]), port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                if (await http.GetStringAsync("/healthz") == "ok\n") { return serve; }
            }
            catch (HttpRequestException)
            {
                if (serve.Process.HasExited || DateTime.UtcNow > deadline)
                {
                    serve.Dispose();
                    throw new InvalidOperationException($"cvr serve did not come up: {serve.Stderr}");
                }
                await Task.Delay(100);
            }
        }
    }

    public static async Task<(int Exit, string Stderr)> RunToExit(params string[] args)
    {
        using var process = Launch(args);
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        return (process.ExitCode, await stderr);
    }

    public async Task<string> Hash()
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        return JsonDocument.Parse(await http.GetStringAsync("/v1/models/cvr")).RootElement.GetProperty("bundle_sha256").GetString()!;
    }

    public async Task<string> Predict(string body)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
        using var response = await http.PostAsync("/v1/models/cvr:predict", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>SIGTERM and wait for the exit.</summary>
    public void Stop()
    {
        _ = SignalTerm(Process.Id);
        Assert.True(Process.WaitForExit(20_000), "still running 20 s after SIGTERM");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SignalTerm(int pid, int signal = 15);

    public void Dispose()
    {
        if (!Process.HasExited) { Process.Kill(); Process.WaitForExit(); }
        Process.Dispose();
    }
}
