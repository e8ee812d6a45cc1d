using System.Runtime.InteropServices;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>Set-up of the native library, run at every entry point that can make LightGBM log.</summary>
internal static partial class LightGbmLibrary
{
    /// <summary>
    /// OpenMP's default wait policy lets idle worker threads spin. When anything else wants a core (another job,
    /// a build, a second model in the same machine), spinning threads and descheduled ones wait on each other at
    /// every barrier: measured here, 60 boosting rounds on 170k rows took 374 s with two spinning threads against
    /// 14 s with passive waiting. So unless the user chose a policy, ask libgomp to sleep instead of spin. It must
    /// be in the native environment before lib_lightgbm (and with it libgomp) is loaded, i.e. before the first
    /// LightGBM call; .NET's Environment.SetEnvironmentVariable doesn't reach the native environment on Unix.
    /// </summary>
    internal const string WaitPolicyVariable = "OMP_WAIT_POLICY";

    private static readonly bool s_processConfigured = ConfigureProcess();

    private static bool ConfigureProcess()
    {
        var configured = ConfigureWaitPolicy();
        // LightGBM's thread count is never above LightGbmThreads.Bound, whatever OMP_NUM_THREADS or a num_threads
        // parameter says (see LightGbmThreads' remarks).
        try
        {
            LightGbmThreads.Apply(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            // No loadable library: the first real call says so (TryLoad reports it); nothing to cap.
        }
        return configured;
    }

    private static bool ConfigureWaitPolicy()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(WaitPolicyVariable) is not null)
        {
            return false;
        }
        try
        {
            return SetEnv(WaitPolicyVariable, "PASSIVE", 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // a libc without setenv: keep OpenMP's default
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);

    // LightGBM keeps its log callback (and log level) in thread-local storage, so the callback must be registered
    // on every thread that calls into LightGBM, not once per process; a thread-static flag makes the check cheap.
    [ThreadStatic]
    private static bool t_registered;

    internal static void EnsureInitialized()
    {
        _ = s_processConfigured;
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
