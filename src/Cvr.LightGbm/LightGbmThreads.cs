using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// The process-wide cap on LightGBM's threads (<c>LGBM_SetMaxThreads</c>). Unlike the <c>num_threads</c>
/// parameter, it is not written into saved models, so a model trained on one thread is byte-identical to the same
/// model trained on several (with <c>deterministic</c> and col-wise histograms the trees are the same).
/// </summary>
/// <remarks>
/// The cap is always set, and never above <see cref="Bound"/>: LightGBM sizes some per-thread buffers by its thread
/// count when a Dataset is created and indexes them by thread at a later push, reading a process-wide count that any
/// other call (a cap, a <c>num_threads</c> parameter) may have raised in between — a write past the buffers
/// (<see cref="DatasetStream"/>). With the cap pinned at or below <see cref="Bound"/>, a stream that sized its buffers
/// for <see cref="Bound"/> threads is safe whatever runs beside it.
/// </remarks>
public static class LightGbmThreads
{
    /// <summary>The most threads LightGBM ever uses in this process: the processors this process may run on.</summary>
    public static int Bound { get; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Caps LightGBM at <paramref name="threads"/> threads (at most <see cref="Bound"/>); 0 or less: <see cref="Bound"/>,
    /// OpenMP's default of one thread per processor.</summary>
    public static void SetMax(int threads)
    {
        LightGbmLibrary.EnsureInitialized();
        Apply(threads);
    }

    /// <summary>The current cap.</summary>
    public static int Max
    {
        get
        {
            LightGbmLibrary.EnsureInitialized();
            NativeCheck.Check(NativeMethods.LGBM_GetMaxThreads(out var threads), nameof(NativeMethods.LGBM_GetMaxThreads));
            return threads;
        }
    }

    /// <summary>Sets the cap without the library's set-up (which calls this once with 0).</summary>
    internal static void Apply(int threads) =>
        NativeCheck.Check(NativeMethods.LGBM_SetMaxThreads(threads <= 0 ? Bound : Math.Min(threads, Bound)), nameof(NativeMethods.LGBM_SetMaxThreads));
}
