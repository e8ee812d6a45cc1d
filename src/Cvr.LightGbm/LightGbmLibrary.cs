using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>Set-up of the native library, run at every entry point that can make LightGBM log.</summary>
internal static class LightGbmLibrary
{
    // LightGBM keeps its log callback (and log level) in thread-local storage, so the callback must be registered
    // on every thread that calls into LightGBM, not once per process; a thread-static flag makes the check cheap.
    [ThreadStatic]
    private static bool t_registered;

    internal static void EnsureInitialized()
    {
        if (!t_registered)
        {
            LightGbmLog.Register();
            t_registered = true;
        }
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
