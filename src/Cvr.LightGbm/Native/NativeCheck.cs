using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>The one place that turns a C API status into an exception.</summary>
internal static class NativeCheck
{
    /// <summary>
    /// Call immediately after the native call, on the same thread: LightGBM keeps the message of the last error
    /// in a thread-local buffer, so a later call or another thread would read the wrong text.
    /// </summary>
    internal static void Check(int status, string call)
    {
        if (status != 0)
        {
            throw new LightGbmException(call, LastError());
        }
    }

    internal static string LastError() =>
        Marshal.PtrToStringUTF8(NativeMethods.LGBM_GetLastError()) ?? "(no message)";
}
