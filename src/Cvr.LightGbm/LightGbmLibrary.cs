using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>One-time process set-up of the native library, run before the first dataset, booster or network.</summary>
internal static class LightGbmLibrary
{
    private static readonly Lazy<bool> s_initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    internal static void EnsureInitialized() => _ = s_initialized.Value;

    // Registering the log callback before any other call keeps LightGBM's messages off stdout from the start.
    private static bool Initialize()
    {
        LightGbmLog.Register();
        return true;
    }

    /// <summary>True when lib_lightgbm (and its libgomp dependency) can be loaded and called.</summary>
    internal static bool TryLoad(out string? error)
    {
        try
        {
            EnsureInitialized();
            error = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            error = e.Message;
            return false;
        }
    }
}
