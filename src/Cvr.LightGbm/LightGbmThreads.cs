using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// The process-wide cap on LightGBM's threads (<c>LGBM_SetMaxThreads</c>). Unlike the <c>num_threads</c>
/// parameter, it is not written into saved models, so a model trained on one thread is byte-identical to the same
/// model trained on several (with <c>deterministic</c> and col-wise histograms the trees are the same).
/// </summary>
public static class LightGbmThreads
{
    /// <summary>Caps LightGBM at <paramref name="threads"/> threads; 0 or less: OpenMP's default (all cores).</summary>
    public static void SetMax(int threads)
    {
        LightGbmLibrary.EnsureInitialized();
        NativeCheck.Check(NativeMethods.LGBM_SetMaxThreads(threads), nameof(NativeMethods.LGBM_SetMaxThreads));
    }

    /// <summary>The current cap (OpenMP's default when none was set).</summary>
    public static int Max
    {
        get
        {
            LightGbmLibrary.EnsureInitialized();
            NativeCheck.Check(NativeMethods.LGBM_GetMaxThreads(out var threads), nameof(NativeMethods.LGBM_GetMaxThreads));
            return threads;
        }
    }
}
