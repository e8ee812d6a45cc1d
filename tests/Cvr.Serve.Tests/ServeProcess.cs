using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Cvr.Serve.Tests;

/// <summary>A <c>cvr serve</c> process on a free loopback port.</summary>
internal sealed class ServeProcess : IDisposable
{
    private readonly StringBuilder _stderr = new();

    private ServeProcess(Process process, int port)
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

    /// <param name="hangupIgnored">Start it with SIGHUP ignored, as <c>nohup</c> does (a shell that ignores it and execs).</param>
    private static Process Launch(IEnumerable<string> args, bool hangupIgnored = false)
    {
        var start = new ProcessStartInfo(hangupIgnored ? "sh" : "dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (hangupIgnored)
        {
            // An ignored signal stays ignored across exec: the server starts with SIGHUP ignored, under this PID.
            foreach (var a in (string[])["-c", "trap '' HUP; exec \"$0\" \"$@\"", "dotnet"]) { start.ArgumentList.Add(a); }
        }
        start.ArgumentList.Add(CliPath);
        start.ArgumentList.Add("serve");
        foreach (var a in args) { start.ArgumentList.Add(a); }
        return Process.Start(start) ?? throw new InvalidOperationException("could not start cvr serve");
    }

    public static Task<ServeProcess> Start(string model, params string[] args) => Start(model, hangupIgnored: false, args);

    /// <summary>Starts <c>cvr serve</c> on a free loopback port and waits until it answers /healthz.</summary>
    public static async Task<ServeProcess> Start(string model, bool hangupIgnored, params string[] args)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var serve = new ServeProcess(Launch(["--model", model, "--urls", $"http://127.0.0.1:{port}", .. args], hangupIgnored), port);
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
        Assert.True(Exited(20_000), "still running 20 s after SIGTERM");
    }

    /// <summary>Whether the process exits within <paramref name="milliseconds"/>; when it does, its stderr has been
    /// read to the end (a wait with a timeout returns before the redirected output's readers have drained, so a
    /// last line like "stopped: …" could still be missing from <see cref="Stderr"/>).</summary>
    public bool Exited(int milliseconds)
    {
        if (!Process.WaitForExit(milliseconds)) { return false; }
        Process.WaitForExit();
        return true;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SignalTerm(int pid, int signal = 15);

    public void Dispose()
    {
        if (!Process.HasExited) { Process.Kill(); Process.WaitForExit(); }
        Process.Dispose();
    }
}
