using System.Diagnostics;
using System.Globalization;

namespace Cvr.Cli.Tests;

/// <summary>
/// A small network of its own for the ranks of a job (Linux network namespaces, iproute2): a hub namespace holding a
/// bridge, and one namespace per rank, each with a veth link <c>eth0</c> to the bridge and its own IPv4 address
/// <c>10.77.0.(rank+1)/24</c>. Nothing reaches the host's network or any namespace the test did not make. Names are
/// unique per instance (process id and a counter); <see cref="Dispose"/> deletes every namespace, and with them their
/// links, also after a failed test.
/// </summary>
internal sealed class NetworkNamespaces : IDisposable
{
    private static int s_count;
    private readonly List<string> _made = [];

    public NetworkNamespaces(int ranks)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"cvr-test-{Environment.ProcessId}-{Interlocked.Increment(ref s_count)}");
        Hub = prefix + "-hub";
        Ranks = [.. Enumerable.Range(0, ranks).Select(r => string.Create(CultureInfo.InvariantCulture, $"{prefix}-rank{r}"))];
        try
        {
            Make(Hub);
            Ip("-n", Hub, "link", "add", "br0", "type", "bridge");
            Ip("-n", Hub, "link", "set", "br0", "up");
            for (var r = 0; r < ranks; r++)
            {
                var port = string.Create(CultureInfo.InvariantCulture, $"rank{r}");
                Make(Ranks[r]);
                Ip("-n", Ranks[r], "link", "set", "lo", "up");
                // Made inside the two namespaces, so the names can't clash with the host's or another test's links.
                Ip("-n", Ranks[r], "link", "add", "name", "eth0", "type", "veth", "peer", "name", port, "netns", Hub);
                Ip("-n", Ranks[r], "addr", "add", Address(r) + "/24", "dev", "eth0");
                Ip("-n", Ranks[r], "link", "set", "eth0", "up");
                Ip("-n", Hub, "link", "set", port, "master", "br0");
                Ip("-n", Hub, "link", "set", port, "up");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace of the bridge.</summary>
    public string Hub { get; }

    /// <summary>Rank r's namespace.</summary>
    public string[] Ranks { get; }

    /// <summary>Rank r's IPv4 address, on its link <c>eth0</c>.</summary>
    public static string Address(int rank) => string.Create(CultureInfo.InvariantCulture, $"10.77.0.{rank + 1}");

    /// <summary><c>--machines</c> for the ranks, each on <paramref name="port"/> of its own address.</summary>
    public string Machines(int port) => string.Join(',', Enumerable.Range(0, Ranks.Length).Select(r => string.Create(CultureInfo.InvariantCulture, $"{Address(r)}:{port}")));

    /// <summary>Takes rank <paramref name="rank"/>'s link down: its packets go nowhere, and nobody gets a FIN or a reset.</summary>
    public void TakeDown(int rank) => Ip("-n", Ranks[rank], "link", "set", "eth0", "down");

    /// <summary>Adds <paramref name="qdisc"/> (tc's words, e.g. <c>tbf rate 100mbit burst 32kb latency 400ms</c>) as the
    /// root queueing discipline of rank <paramref name="rank"/>'s link: what the rank sends goes through it.</summary>
    public void Shape(int rank, params string[] qdisc) => Run("tc", ["-n", Ranks[rank], "qdisc", "add", "dev", "eth0", "root", .. qdisc]);

    /// <summary>A process in rank <paramref name="rank"/>'s namespace (<c>ip netns exec</c>), its output redirected.</summary>
    public ProcessStartInfo Exec(int rank, string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Ranks[rank], program }.Concat(args)) { start.ArgumentList.Add(a); }
        return start;
    }

    /// <summary>Bytes rank <paramref name="rank"/>'s link sent so far (the kernel's counter).</summary>
    public long SentBytes(int rank) => long.Parse(Run("ip", ["netns", "exec", Ranks[rank], "cat", "/sys/class/net/eth0/statistics/tx_bytes"]).Trim(), CultureInfo.InvariantCulture);

    private void Make(string name)
    {
        Ip("netns", "add", name);
        _made.Add(name);
    }

    private static void Ip(params string[] args) => Run("ip", args);

    /// <summary>Runs a command to its end; throws with its stderr when it fails.</summary>
    internal static string Run(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) { start.ArgumentList.Add(a); }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish in 30 s");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {stderr.Result.Trim()}");
        }
        return stdout.Result;
    }

    public void Dispose()
    {
        // Deleting a namespace deletes its links (and a veth pair goes with either end). Best effort: a namespace a
        // process still runs in lives on until it exits, under no name.
        foreach (var name in Enumerable.Reverse(_made))
        {
            try { Ip("netns", "del", name); }
            catch (InvalidOperationException) { /* already gone */ }
        }
        _made.Clear();
    }

    /// <summary>Why namespaces can't be made here, or null when they can: tried for real (a namespace with a veth pair
    /// and, for <paramref name="qdisc"/>, that queueing discipline on it), since root without CAP_NET_ADMIN, or a
    /// container that forbids mounts, fails only at the doing.</summary>
    internal static string? WhyNot(string[]? qdisc = null)
    {
        if (!OperatingSystem.IsLinux()) { return "needs Linux network namespaces"; }
        if (!OnPath("ip"))
        {
            return "ip (iproute2) not found on PATH; install it with: apt-get install -y iproute2";
        }
        if (!HasNetAdmin()) { return "needs root with CAP_NET_ADMIN to make network namespaces (this process's effective capabilities lack it)"; }
        var probe = string.Create(CultureInfo.InvariantCulture, $"cvr-probe-{Environment.ProcessId}-{Interlocked.Increment(ref s_count)}");
        try
        {
            Ip("netns", "add", probe);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return $"could not make a network namespace: {e.Message}";
        }
        try
        {
            Ip("-n", probe, "link", "add", "name", "a", "type", "veth", "peer", "name", "b");
            if (qdisc is not null)
            {
                if (!OnPath("tc"))
                {
                    return "tc (iproute2) not found on PATH; install it with: apt-get install -y iproute2";
                }
                Run("tc", ["-n", probe, "qdisc", "add", "dev", "a", "root", .. qdisc]);
            }
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            return qdisc is null ? $"could not make a veth pair in a network namespace: {e.Message}"
                : $"the kernel has no '{qdisc[0]}' queueing discipline here: {e.Message}";
        }
        finally
        {
            try { Ip("netns", "del", probe); }
            catch (InvalidOperationException) { /* best effort */ }
        }
    }

    private static bool OnPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, program)));

    /// <summary>CAP_NET_ADMIN (bit 12) in this process's effective capabilities (/proc/self/status).</summary>
    private static bool HasNetAdmin()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 12)) != 0;
    }
}

/// <summary>A fact that needs to make network namespaces (root with CAP_NET_ADMIN, iproute2); skipped, saying why, elsewhere.</summary>
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_why = new(() => NetworkNamespaces.WhyNot());

    /// <param name="qdisc">A queueing discipline the test puts on a link (tc's words, separated by spaces); the test is
    /// skipped where tc or the kernel lacks it.</param>
    public NetworkNamespaceFactAttribute(string? qdisc = null)
    {
        var why = s_why.Value ?? (qdisc is null ? null : NetworkNamespaces.WhyNot(qdisc.Split(' ')));
        if (why is not null) { Skip = why; }
    }
}

/// <summary>A theory that needs to make network namespaces; skipped like <see cref="NetworkNamespaceFactAttribute"/>.</summary>
public sealed class NetworkNamespaceTheoryAttribute : TheoryAttribute
{
    private static readonly Lazy<string?> s_why = new(() => NetworkNamespaces.WhyNot());

    public NetworkNamespaceTheoryAttribute()
    {
        if (s_why.Value is { } why) { Skip = why; }
    }
}
