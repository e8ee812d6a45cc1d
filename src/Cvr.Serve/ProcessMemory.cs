using System.Runtime;
using System.Runtime.InteropServices;

namespace Cvr.Serve;

/// <summary>
/// Gives the memory of a replaced bundle back to the operating system. Without it a server reloaded a dozen times
/// grew from 171 to 800+ MB resident on a scale-0.1 bundle (bench/results/serve.md): a reload allocates a new
/// bundle's managed graph (the fitted pipeline, parsed JSON) and native boosters while serving allocates almost
/// nothing, so a full collection came only every dozen reloads, and even then the collector kept the freed pages,
/// as glibc's allocator keeps what the boosters freed.
/// </summary>
internal static partial class ProcessMemory
{
    /// <summary>
    /// A full, compacting collection of every generation (the large-object heap too) that decommits what it frees,
    /// then glibc's <c>malloc_trim</c>. Blocks every thread for the collections (the log line of each reload says how
    /// long): once per reload, when the replaced bundle's last request is done.
    /// </summary>
    public static void GiveBack()
    {
        // The first collection finds what the old bundle left to finalizers (none of its own since row scorers
        // keep no per-thread slots, but a library's may); they run; the second, aggressive one frees what they
        // held and returns the pages.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true);
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        TrimNativeHeap();
    }

    /// <summary>Resident set size in bytes (what <c>/proc/self/status</c> calls VmRSS).</summary>
    public static long Resident()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>Returns the free pages of every malloc arena (LightGBM's and libtorch's frees land there); glibc
    /// only — elsewhere (musl, macOS, Windows) there is no such call and nothing is done.</summary>
    private static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux()) { return; }
        try
        {
            MallocTrim(0);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // not glibc
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
