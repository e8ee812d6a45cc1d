using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;

namespace Cvr.IO;

/// <summary>
/// Names of the hidden temporaries that outputs are built in (<c>.NAME.tmp-HOST-PID-START-GUID</c>), and the removal
/// of those a dead writer left behind. A writer killed outright (kill -9, out of memory, power loss) can't delete
/// its temporary, and the frame cache's are gigabytes at scale, so every writer of a target first removes the
/// siblings <c>.NAME.tmp-*</c> whose writer is gone. The name says who wrote it: a hash of the host name (on a shared
/// file system another machine's process ids mean nothing here, so only this host's temporaries are judged), the
/// process id, and the process's start time, which tells a dead writer from a new process that got its id.
/// Anything not provably dead is left alone: a live writer's temporary, another host's, or a name this code did not
/// make (such as the <c>.NAME.tmp-GUID</c> of cvr versions before this one).
/// </summary>
internal static class Temporaries
{
    /// <summary>Start times within this many seconds are the same process: the runtime derives them from the boot
    /// time, which each process measures for itself.</summary>
    private const long StartToleranceSeconds = 2;

    /// <summary>The suffix <see cref="AtomicFolder.MoveIntoPlace"/> gives the old target while it swaps in the new.</summary>
    internal const string AsideSuffix = ".old";

    /// <summary>Who writes a temporary: a hash of the host name, the process id and its start (Unix seconds).</summary>
    internal readonly record struct Writer(string Host, int ProcessId, long Started)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}-{ProcessId}-{Started}");
    }

    internal static Writer Current { get; } = CurrentWriter();

    private static Writer CurrentWriter()
    {
        using var self = Process.GetCurrentProcess();
        return new Writer(HostHash(Environment.MachineName), self.Id, StartSeconds(self));
    }

    internal static string HostHash(string host) => Convert.ToHexStringLower(XxHash32.Hash(Encoding.UTF8.GetBytes(host)));

    private static long StartSeconds(Process process) => new DateTimeOffset(process.StartTime.ToUniversalTime()).ToUnixTimeSeconds();

    /// <summary>The prefix every temporary of <paramref name="fullTarget"/> starts with.</summary>
    private static string Prefix(string fullTarget) => $".{Path.GetFileName(fullTarget)}.tmp-";

    /// <summary>A fresh temporary name for <paramref name="fullTarget"/>, owned by <paramref name="writer"/>.</summary>
    internal static string Name(string fullTarget, Writer writer)
        => Path.Combine(Path.GetDirectoryName(fullTarget)!, $"{Prefix(fullTarget)}{writer}-{Guid.NewGuid():N}");

    /// <summary>
    /// Removes the temporaries of <paramref name="fullTarget"/> whose writer is dead. A dead writer's moved-aside old
    /// target (<c>….old</c>, left when it died mid-swap) is put back when the target is absent, since it is the
    /// last complete output; otherwise removed. Best effort: a temporary that can't be removed is left.
    /// </summary>
    internal static void RemoveStale(string fullTarget)
    {
        var folder = Path.GetDirectoryName(fullTarget)!;
        if (!Directory.Exists(folder)) { return; }
        var prefix = Prefix(fullTarget);
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder))
        {
            var name = Path.GetFileName(entry);
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || Owner(name[prefix.Length..]) is not { } owner || !IsDead(owner))
            {
                continue;
            }
            try
            {
                if (name.EndsWith(AsideSuffix, StringComparison.Ordinal) && Directory.Exists(entry) && !Path.Exists(fullTarget))
                {
                    Directory.Move(entry, fullTarget);
                }
                else if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another writer removing it at the same time, or no permission: left as it was
            }
        }
    }

    /// <summary>The writer in a temporary's name after the prefix (<c>HOST-PID-START-GUID[.old]</c>), or null.</summary>
    internal static Writer? Owner(string suffix)
    {
        var parts = suffix.Split('-');
        if (parts.Length != 4 || parts[0].Length != 8 || !parts[0].All(char.IsAsciiHexDigitLower)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var started))
        {
            return null;
        }
        return new Writer(parts[0], pid, started);
    }

    /// <summary>True only when <paramref name="writer"/> ran on this host and no process with its id and start time
    /// runs now; any doubt counts as alive.</summary>
    internal static bool IsDead(Writer writer)
    {
        if (writer.Host != Current.Host) { return false; }
        if (writer.ProcessId == Current.ProcessId) { return Math.Abs(writer.Started - Current.Started) > StartToleranceSeconds; }
        try
        {
            using var process = Process.GetProcessById(writer.ProcessId);
            return Math.Abs(StartSeconds(process) - writer.Started) > StartToleranceSeconds;
        }
        catch (ArgumentException)
        {
            return true; // no process has that id
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false; // exited just now, or can't be inspected: leave it
        }
    }
}
