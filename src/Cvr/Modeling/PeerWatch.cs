using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// Ends a rank whose peer died, which LightGBM itself may never do: when a peer's socket is closed cleanly, LightGBM
/// 4.7.0's receive loop (<c>Linkers::Recv</c>) reads 0 bytes and retries forever at full CPU. Once a second it looks
/// for this process's TCP sockets in CLOSE_WAIT (the other end closed; Linux' /proc); when one appears and some other
/// rank has not reported its models in the shared folder within the grace period (<c>--network-timeout</c>: a rank
/// reports them before it closes its network, so a peer that closed without reporting has stopped; a long grace, because
/// the socket can't tell which rank closed it, and a slow or paused rank still running must not be mistaken for a dead one), it prints why and exits the process with
/// code 4 (an I/O error, as the CLI's other network failures): the training thread is inside native code and can't be
/// interrupted. It also ends a stalled rank the same way: one whose training thread has shown no progress
/// (<see cref="Beat"/>) for the grace period, as when the link between the ranks is down (no FIN, no reset), before
/// LightGBM's own socket time-out, which can abort the process instead. Linux only (it starts where /proc is); elsewhere, and
/// without a shared folder, nothing watches.
/// </summary>
internal sealed class PeerWatch : IDisposable
{
    private static long s_lastBeat = Environment.TickCount64;

    /// <summary>Marks progress of this rank: a boosting round done (<see cref="Progress"/>), a chunk of rows binned, a
    /// poll of the shared folder. A rank whose training thread shows none for the grace period is stalled inside
    /// LightGBM's network (a link down: no FIN, no reset), and the watch ends it (see <see cref="Watch"/>).</summary>
    internal static void Beat() => Volatile.Write(ref s_lastBeat, Environment.TickCount64);

    /// <summary>The boosting loop's beat: before the first round and after every round.</summary>
    internal static LightGbm.Training.ITrainingCallback Progress { get; } = new ProgressCallback();

    private sealed class ProgressCallback : LightGbm.Training.ITrainingCallback
    {
        public void BeforeTraining(LightGbm.Training.TrainingContext context) => Beat();

        public void AfterIteration(LightGbm.Training.TrainingContext context) => Beat();
    }

    /// <summary>The CLI's exit code for I/O errors (Cvr.Cli.ExitCodes.IoError).</summary>
    internal const int IoErrorExitCode = 4;

    private const string CloseWait = "08"; // the kernel's TCP_CLOSE_WAIT in /proc/net/tcp
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;

    private PeerWatch(int rank, Func<bool> everyPeerReported, TimeSpan grace, ILogger logger, IReadOnlySet<string> connected)
    {
        _thread = new Thread(() => Watch(rank, everyPeerReported, grace, logger, connected)) { IsBackground = true, Name = "cvr peer watch" };
        _thread.Start();
    }

    /// <param name="connected">This process's TCP sockets once the network was open (<see cref="TcpSockets"/>), taken
    /// before anything could tell a peer it was: one of them gone from the kernel's tables while still open here was
    /// reset by its peer.</param>
    public static PeerWatch? Start(int rank, Func<bool> everyPeerReported, TimeSpan grace, ILogger logger, IReadOnlySet<string> connected)
        => IsSupported ? new PeerWatch(rank, everyPeerReported, grace, logger, connected) : null;

    private static bool IsSupported => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    private void Watch(int rank, Func<bool> everyPeerReported, TimeSpan grace, ILogger logger, IReadOnlySet<string> connected)
    {
        var token = _stop.Token;
        Beat(); // the network just opened
        while (!token.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)))
        {
            var still = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref s_lastBeat));
            if (still > grace)
            {
                // LightGBM's own socket time-out is a minute longer (ClusterTraining): when it fires in a receive that
                // runs beside a send thread (Linkers::SendRecv, for messages of 100 kB and more), the unwinding
                // destroys that joinable std::thread and the process aborts (exit 134, "terminate called without an
                // active exception"); seen in NetworkNamespaceTests. This exit comes first and says why.
                logger.LogError("rank {Rank}: the network to the other ranks failed: no progress for {Seconds:F0} s (--network-timeout); a rank stopped or hung, "
                    + "or the network between the ranks is down; exiting", rank, still.TotalSeconds);
                Console.Error.Flush();
                Environment.Exit(IoErrorExitCode);
            }
            if (!ClosedByPeer(connected)) { continue; }
            logger.LogWarning("rank {Rank}: a peer closed its connection; waiting up to {Seconds:F0} s for every rank's models in the shared folder", rank, grace.TotalSeconds);
            var deadline = DateTime.UtcNow + grace;
            while (!everyPeerReported())
            {
                if (token.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500))) { return; }
                if (DateTime.UtcNow < deadline) { continue; }
                logger.LogError("rank {Rank}: a peer closed its connection and did not report its models within {Seconds:F0} s: it stopped, and LightGBM would wait for it forever; exiting",
                    rank, grace.TotalSeconds);
                Console.Error.Flush();
                Environment.Exit(IoErrorExitCode);
            }
            return; // every peer finished normally: their closed sockets are the end of the job
        }
    }

    /// <summary>Whether the other end closed a TCP socket of this process: one is in CLOSE_WAIT (the peer closed it
    /// cleanly), or one of <paramref name="connected"/> is still open here but gone from the kernel's TCP tables (the
    /// peer reset it: a process killed with unread data sends a reset, the socket leaves the tables, and LightGBM's
    /// receive loop then reads 0 bytes forever just the same).</summary>
    internal static bool ClosedByPeer(IReadOnlySet<string> connected)
    {
        var open = OpenSocketInodes();
        if (open.Count == 0) { return false; }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (inode, state) in TcpTable())
        {
            if (!open.Contains(inode)) { continue; }
            if (state == CloseWait) { return true; }
            listed.Add(inode);
        }
        return connected.Any(inode => open.Contains(inode) && !listed.Contains(inode));
    }

    /// <summary>The inodes of this process's open TCP sockets (empty where /proc can't tell).</summary>
    internal static IReadOnlySet<string> TcpSockets()
    {
        if (!IsSupported) { return new HashSet<string>(); }
        var open = OpenSocketInodes();
        return TcpTable().Select(e => e.Inode).Where(open.Contains).ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> OpenSocketInodes()
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target[8..^1]);
                }
            }
            catch (IOException) { /* closed meanwhile */ }
            catch (UnauthorizedAccessException) { /* not ours to read */ }
        }
        return inodes;
    }

    /// <summary>Every socket of the kernel's TCP tables (IPv4 and IPv6) as seen from this process: its inode and state.</summary>
    private static IEnumerable<(string Inode, string State)> TcpTable()
    {
        foreach (var table in new[] { "/proc/self/net/tcp", "/proc/self/net/tcp6" })
        {
            if (!File.Exists(table)) { continue; }
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9) { yield return (fields[9], fields[3]); }
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
