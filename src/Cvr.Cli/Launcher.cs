using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Cvr.Cli;

/// <summary>
/// <c>cvr launch</c>: runs the ranks of a data-parallel <c>cvr train</c> as processes of this same program on this
/// machine, on free loopback ports. Each rank's stderr comes through line by line prefixed with <c>[rank N]</c>; rank 0's
/// stdout (the results) comes through as it is, the others' goes to stderr, prefixed. The first rank to fail stops the
/// others (killed) and its exit code is the launcher's; so does the wall-clock time-out (exit 4) and Ctrl+C (130).
/// </summary>
internal sealed class Launcher(TextWriter stdout, TextWriter stderr)
{
    private readonly Lock _output = new();

    /// <summary>Runs <paramref name="command"/> (its arguments after <c>cvr</c>) as <paramref name="ranks"/> ranks; returns the exit code.</summary>
    public int Run(int ranks, IReadOnlyList<string> command, string shared, TimeSpan? timeout, CancellationToken ct)
    {
        var ports = FreeLoopbackPorts(ranks);
        var machines = string.Join(',', ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)));
        var (program, prefix) = Self();
        var processes = new List<Process>();
        var pumps = new List<Task>();
        try
        {
            for (var rank = 0; rank < ranks; rank++)
            {
                var start = new ProcessStartInfo(program)
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = false,
                };
                foreach (var a in prefix.Concat(command)) { start.ArgumentList.Add(a); }
                foreach (var a in new[] { "--machines", machines, "--rank", rank.ToString(CultureInfo.InvariantCulture), "--shared", shared })
                {
                    start.ArgumentList.Add(a);
                }
                var process = Process.Start(start) ?? throw new IOException($"could not start rank {rank} ({program})");
                processes.Add(process);
                var tag = $"[rank {rank}] ";
                pumps.Add(Pump(process.StandardError, stderr, tag));
                pumps.Add(rank == 0 ? Pump(process.StandardOutput, stdout, "") : Pump(process.StandardOutput, stderr, tag));
            }
            var exit = Wait(processes, timeout, ct);
            Task.WaitAll([.. pumps], TimeSpan.FromSeconds(10));
            return exit;
        }
        finally
        {
            foreach (var p in processes)
            {
                KillQuietly(p);
                p.Dispose();
            }
        }
    }

    /// <summary>Waits for every rank; on the first failure, the time-out or cancellation, kills the rest.</summary>
    private int Wait(List<Process> processes, TimeSpan? timeout, CancellationToken ct)
    {
        var deadline = timeout is { } t ? DateTime.UtcNow + t : DateTime.MaxValue;
        var running = processes.Select((p, rank) => (Process: p, Rank: rank)).ToList();
        while (running.Count > 0)
        {
            foreach (var (process, rank) in running.ToList())
            {
                if (!process.HasExited) { continue; }
                process.WaitForExit(); // the exit code is final once the process is reaped
                running.Remove((process, rank));
                if (process.ExitCode != 0)
                {
                    Line(stderr, $"cvr launch: rank {rank} exited with code {process.ExitCode}; stopping the other ranks");
                    foreach (var other in running) { KillQuietly(other.Process); }
                    return process.ExitCode;
                }
            }
            if (ct.IsCancellationRequested)
            {
                foreach (var other in running) { KillQuietly(other.Process); }
                Line(stderr, "cancelled");
                return ExitCodes.Cancelled;
            }
            if (DateTime.UtcNow >= deadline)
            {
                foreach (var other in running) { KillQuietly(other.Process); }
                Line(stderr, $"error: cvr launch: the job ran past --timeout ({timeout!.Value.TotalSeconds:F0} s); every rank was stopped and no bundle was written by this run");
                return ExitCodes.IoError;
            }
            Thread.Sleep(50);
        }
        return ExitCodes.Success;
    }

    private Task Pump(StreamReader from, TextWriter to, string tag) => Task.Run(async () =>
    {
        while (await from.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            Line(to, tag + line);
        }
    });

    private void Line(TextWriter to, string line)
    {
        lock (_output)
        {
            to.WriteLine(line);
            to.Flush();
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited) { process.Kill(entireProcessTree: true); }
        }
        catch (InvalidOperationException) { /* already gone */ }
        catch (System.ComponentModel.Win32Exception) { /* already gone */ }
    }

    /// <summary>How to start this same program: its apphost, or <c>dotnet Cvr.Cli.dll</c> when run through the dotnet host.</summary>
    private static (string Program, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new IOException("cvr launch can't tell which program it is (no process path)");
        var assembly = typeof(Launcher).Assembly.Location;
        return Path.GetFileNameWithoutExtension(path) is "dotnet" ? (path, [assembly]) : (path, []);
    }

    /// <summary>Ports the system reports free on 127.0.0.1, held together so they differ. Another program may still take
    /// one before the rank binds it: the rank then stops with "Binding port … failed" (exit 4), and so does the job.</summary>
    internal static int[] FreeLoopbackPorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners) { listener.Start(); }
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners) { listener.Stop(); }
        }
    }
}
