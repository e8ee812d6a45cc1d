using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Cvr.Cli.Tests;

/// <summary>Tiny generated data for the namespace tests, and the bundles <c>cvr launch</c> trains from it on loopback
/// (once per number of ranks), which the ranks in namespaces must reproduce.</summary>
public sealed class NamespaceJobData() : GeneratedDataFixture(scale: 0.005, trainShards: 6)
{
    private readonly Dictionary<int, Task<(string Bundle, string Digest)>> _loopback = [];

    /// <summary>Rank 0's bundle and models digest from <c>cvr launch --ranks <paramref name="ranks"/></c> on loopback.</summary>
    internal Task<(string Bundle, string Digest)> Loopback(int ranks)
    {
        lock (_loopback)
        {
            if (!_loopback.TryGetValue(ranks, out var job)) { _loopback[ranks] = job = RunLoopback(ranks); }
            return job;
        }
    }

    private async Task<(string Bundle, string Digest)> RunLoopback(int ranks)
    {
        var bundle = Directory.File(string.Create(CultureInfo.InvariantCulture, $"loopback-{ranks}"));
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { LaunchCommandTests.CliPath, "launch", "--ranks", ranks.ToString(CultureInfo.InvariantCulture), "--timeout", "300", "--",
            "train", "--data", Path, "--out", bundle }.Concat(NetworkNamespaceTests.Training))
        {
            start.ArgumentList.Add(a);
        }
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException("could not start cvr launch");
        var stdout = launcher.StandardOutput.ReadToEndAsync();
        var stderr = launcher.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        try
        {
            await launcher.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!launcher.HasExited) { launcher.Kill(entireProcessTree: true); }
        }
        var err = await stderr;
        _ = await stdout;
        Assert.True(launcher.ExitCode == 0, $"cvr launch --ranks {ranks} on loopback: exit {launcher.ExitCode}: {err}");
        return (bundle, NetworkNamespaceTests.Digests(err).Distinct().Single());
    }
}

/// <summary>
/// The ranks of a job each in its own network namespace, with its own IPv4 address on a veth link to a bridge
/// (<see cref="NetworkNamespaces"/>): they train the bundle the same job trains on loopback, also over a slow link; a
/// link taken down mid-training ends every rank non-zero, naming the cause, with no bundle. Needs root with
/// CAP_NET_ADMIN; skipped, saying why, elsewhere.
/// </summary>
[Trait("Category", "LightGbm")]
public sealed partial class NetworkNamespaceTests(NamespaceJobData data, ITestOutputHelper output) : IClassFixture<NamespaceJobData>
{
    /// <summary>LaunchCommandTests' short training: each job takes seconds.</summary>
    internal static readonly string[] Training = ["--threads", "1", "--max-rounds", "40", "--early-stopping", "10", "--select-features", "0", "--no-cache"];

    /// <summary>Every rank listens on this port of its own address (a fresh namespace has nothing else on it).</summary>
    private const int Port = 12400;

    private static readonly TimeSpan s_jobTimeout = TimeSpan.FromMinutes(6);

    [NetworkNamespaceTheory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RanksInNamespaces_TrainTheBundleOfLoopback(int ranks)
    {
        using var net = new NetworkNamespaces(ranks);
        using var dir = new TempDir();
        var bundle = dir.File("model");
        var clock = Stopwatch.StartNew();

        var job = await Job(net, dir, bundle, []);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{ranks} ranks: the job took {clock.Elapsed.TotalSeconds:F1} s"));
        AssertSucceeded(job);
        for (var r = 0; r < ranks; r++)
        {
            Assert.Contains($"rank {r}: connecting to {net.Machines(Port)}", job[r].Err, StringComparison.Ordinal);
        }
        await AssertLoopbackBundle(ranks, job, bundle);
    }

    [NetworkNamespaceFact]
    public async Task LinkDownMidTraining_EveryRankFailsWithinTheNetworkTimeOut_NoBundle()
    {
        // A link taken down sends neither a FIN nor a reset: nothing closes, and no socket error comes. Each rank's peer
        // watch ends it once its training has made no progress for --network-timeout (60 s here); LightGBM's own socket
        // time-out is a minute longer, because when it fires in a receive beside a send thread (Linkers::SendRecv) the
        // process aborts (exit 134: seen here once on 2026-12-07, before the watch).
        // Measured (2026-12-07, three runs, LightGBM's time-out then): both ranks exit with code 4 60.6 to 61.5 s after the link went down.
        using var net = new NetworkNamespaces(2);
        using var dir = new TempDir();
        var bundle = dir.File("model");
        var ranks = Start(net, dir, bundle, ["--network-timeout", "60"]);
        var bound = TimeSpan.FromSeconds(60 + 45);
        try
        {
            using var underWay = new CancellationTokenSource(s_jobTimeout);
            // Both ranks are in the network, growing e2e's trees.
            await Task.WhenAll(ranks.Select(r => r.Printed("training e2e: up to").WaitAsync(underWay.Token)));
            net.TakeDown(1);
            var down = DateTime.UtcNow;

            using var timeout = new CancellationTokenSource(bound + TimeSpan.FromSeconds(30));
            DateTime[] exited;
            try
            {
                exited = await Task.WhenAll(ranks.Select(async r =>
                {
                    await r.Process.WaitForExitAsync(timeout.Token);
                    return DateTime.UtcNow;
                }));
            }
            catch (OperationCanceledException)
            {
                var running = ranks.Select((r, i) => (r, i)).Where(p => !p.r.Process.HasExited).Select(p => p.i);
                Assert.Fail($"rank(s) {string.Join(", ", running)} still running {(DateTime.UtcNow - down).TotalSeconds:F0} s after the link went down; "
                    + string.Join("\n", ranks.Select((r, i) => $"rank {i}: {r.ErrorSoFar()}")));
                throw;
            }

            var job = await Finish(ranks);
            foreach (var (rank, j) in job.Select((j, r) => (r, j)))
            {
                var took = exited[rank] - down;
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rank {rank}: exit {j.Exit} {took.TotalSeconds:F1} s after the link went down"));
                Assert.True(took < bound, $"rank {rank} took {took.TotalSeconds:F0} s to fail after the link went down (bound {bound.TotalSeconds:F0} s): {j.Err}");
                Assert.True(j.Exit == ExitCodes.IoError, $"rank {rank}: exit {j.Exit}: {j.Err}");
                Assert.Contains($"error: rank {rank}: the network to the other ranks failed", j.Err, StringComparison.Ordinal);
                Assert.Matches(@"no progress for 6\d s \(--network-timeout\); a rank stopped or hung, or the network between the ranks is down", j.Err);
            }
            Assert.False(Directory.Exists(bundle), "a bundle was published by a failed job");
            Assert.False(Directory.Exists(bundle + "-report"), "a report was written by a failed job");
        }
        finally
        {
            foreach (var r in ranks) { r.Dispose(); }
        }
    }

    /// <summary>Each rank's link limited to 200 Mbit/s: the job's 750 MB per link take 30 s or more (15 s unlimited).</summary>
    private const string RateLimit = "tbf rate 200mbit burst 256kb latency 50ms";

    /// <summary>2 ms more on each rank's link: about 4 ms a round trip (not run here: this machine's kernel has no netem).</summary>
    private const string Delay = "netem delay 2ms";

    [NetworkNamespaceFact(RateLimit)]
    public Task SlowLink_RateLimited_SameBundle() => SlowLink(RateLimit.Split(' '), rateBytesPerSecond: 200e6 / 8);

    [NetworkNamespaceFact(Delay)]
    public Task SlowLink_Delayed_SameBundle() => SlowLink(Delay.Split(' '), rateBytesPerSecond: null);

    /// <summary>Every rank's link sends through <paramref name="qdisc"/>; the job still trains the loopback bundle.</summary>
    private async Task SlowLink(string[] qdisc, double? rateBytesPerSecond)
    {
        using var net = new NetworkNamespaces(2);
        for (var r = 0; r < 2; r++) { net.Shape(r, qdisc); }
        using var dir = new TempDir();
        var bundle = dir.File("model");
        var sent = Enumerable.Range(0, 2).Select(net.SentBytes).ToArray();
        var clock = Stopwatch.StartNew();

        var job = await Job(net, dir, bundle, []);

        clock.Stop();
        AssertSucceeded(job);
        var bytes = Enumerable.Range(0, 2).Select(r => net.SentBytes(r) - sent[r]).ToArray();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(' ', qdisc)}: the job took {clock.Elapsed.TotalSeconds:F1} s; the ranks' links sent {bytes[0] / 1e6:F0} and {bytes[1] / 1e6:F0} MB"));
        if (rateBytesPerSecond is { } rate)
        {
            // The link was the bottleneck: at the rate, what the busier link sent takes at least this long.
            Assert.True(clock.Elapsed.TotalSeconds >= bytes.Max() / rate,
                $"{bytes.Max():N0} bytes in {clock.Elapsed.TotalSeconds:F1} s: faster than the {rate * 8 / 1e6:F0} Mbit/s the link was limited to");
        }
        await AssertLoopbackBundle(2, job, bundle);
    }

    /// <summary>Rank 0's bundle and every rank's models digest are those of the same job on loopback.</summary>
    private async Task AssertLoopbackBundle(int ranks, (int Exit, string Err)[] job, string bundle)
    {
        var (loopback, digest) = await data.Loopback(ranks);
        var digests = job.Select(j => Digests(j.Err).Single()).ToArray();
        Assert.All(digests, d => Assert.Equal(digest, d));
        var files = Directory.GetFiles(loopback).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files, Directory.GetFiles(bundle).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        Assert.Contains("e2e.txt", files);
        foreach (var file in files)
        {
            Assert.True(File.ReadAllBytes(System.IO.Path.Combine(loopback, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(System.IO.Path.Combine(bundle, file!))),
                $"{file} differs from the loopback job's");
        }
    }

    private static void AssertSucceeded((int Exit, string Err)[] job)
    {
        for (var r = 0; r < job.Length; r++) { Assert.True(job[r].Exit == 0, $"rank {r}: exit {job[r].Exit}: {job[r].Err}"); }
    }

    /// <summary>Runs every rank of a job in its namespace to the end.</summary>
    private async Task<(int Exit, string Err)[]> Job(NetworkNamespaces net, TempDir dir, string bundle, string[] options)
    {
        var ranks = Start(net, dir, bundle, options);
        try
        {
            using var timeout = new CancellationTokenSource(s_jobTimeout);
            await Task.WhenAll(ranks.Select(r => r.Process.WaitForExitAsync(timeout.Token)));
            return await Finish(ranks);
        }
        finally
        {
            foreach (var r in ranks) { r.Dispose(); }
        }
    }

    private RankProcess[] Start(NetworkNamespaces net, TempDir dir, string bundle, string[] options)
        => [.. Enumerable.Range(0, net.Ranks.Length).Select(r => new RankProcess(net.Exec(r, "dotnet",
            [LaunchCommandTests.CliPath, "train", "--data", data.Path, "--out", bundle, "--machines", net.Machines(Port),
                "--rank", r.ToString(CultureInfo.InvariantCulture), "--shared", dir.File("shared"), .. options, .. Training])))];

    private static async Task<(int Exit, string Err)[]> Finish(RankProcess[] ranks)
    {
        var result = new (int, string)[ranks.Length];
        for (var r = 0; r < ranks.Length; r++) { result[r] = (ranks[r].Process.ExitCode, await ranks[r].ErrorText()); }
        return result;
    }

    internal static List<string> Digests(string err) => [.. DigestLine().Matches(err).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"rank \d: models (sha256:[0-9a-f]{64})")]
    private static partial Regex DigestLine();

    /// <summary>One rank's process: its stderr collected line by line, a wait for a line, the time it exited.</summary>
    private sealed class RankProcess : IDisposable
    {
        private readonly StringBuilder _err = new();
        private readonly List<(string Text, TaskCompletionSource Seen)> _watches = [];
        private readonly TaskCompletionSource _errClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RankProcess(ProcessStartInfo start)
        {
            Process = new Process { StartInfo = start };
            Process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) { _errClosed.TrySetResult(); return; }
                lock (_err)
                {
                    _err.AppendLine(e.Data);
                    foreach (var (text, seen) in _watches) { if (e.Data.Contains(text, StringComparison.Ordinal)) { seen.TrySetResult(); } }
                }
            };
            Process.OutputDataReceived += (_, _) => { };
            Process.Start();
            Process.BeginErrorReadLine();
            Process.BeginOutputReadLine();
        }

        public Process Process { get; }

        /// <summary>Completes once the rank printed a line containing <paramref name="text"/>.</summary>
        public Task Printed(string text)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_err)
            {
                if (_err.ToString().Contains(text, StringComparison.Ordinal)) { seen.TrySetResult(); }
                _watches.Add((text, seen));
            }
            return seen.Task;
        }

        public string ErrorSoFar()
        {
            lock (_err) { return _err.ToString(); }
        }

        public async Task<string> ErrorText()
        {
            await _errClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
            lock (_err) { return _err.ToString(); }
        }

        public void Dispose()
        {
            try
            {
                if (!Process.HasExited) { Process.Kill(entireProcessTree: true); Process.WaitForExit(TimeSpan.FromSeconds(10)); }
            }
            catch (InvalidOperationException) { /* not started or gone */ }
            Process.Dispose();
        }
    }
}
