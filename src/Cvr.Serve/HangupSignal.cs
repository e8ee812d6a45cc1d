using System.Runtime.InteropServices;

namespace Cvr.Serve;

/// <summary>
/// SIGHUP as <c>cvr serve</c>'s reload signal, also when the server was started with it ignored: <c>nohup</c> (and
/// some supervisors) start a process with SIGHUP ignored, and .NET leaves a signal that was ignored at start ignored,
/// so a <see cref="PosixSignalRegistration"/> for it never fires and every reload by signal is silently lost. A
/// server whose SIGHUP means "reload" takes the signal back, as nginx does.
/// </summary>
internal static partial class HangupSignal
{
    private const int SigHup = 1;

    /// <summary>Sets SIGHUP's disposition back to the default when it is ignored (Linux; elsewhere nothing), so the
    /// registration that follows handles it. Returns whether it was ignored.</summary>
    public static bool RestoreIfIgnored()
    {
        if (!OperatingSystem.IsLinux() || !IsIgnored()) { return false; }
        Signal(SigHup, 0); // SIG_DFL
        return true;
    }

    /// <summary>Whether SIGHUP is ignored by this process, from the SigIgn mask of /proc/self/status.</summary>
    internal static bool IsIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigHup - 1))) != 0;
    }

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
