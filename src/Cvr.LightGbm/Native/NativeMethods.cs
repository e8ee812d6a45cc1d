using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>
/// Declarations 1:1 with LightGBM 4.7.0's <c>include/LightGBM/c_api.h</c> (global functions and the network).
/// Every function returns 0 on success and -1 on failure; callers pass the status to <see cref="NativeCheck"/>.
/// <c>int64_t</c> is <see cref="long"/>, <c>int32_t</c>/<c>int</c> is <see cref="int"/>, <c>size_t</c> is <see cref="nuint"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    // Resolved from the LightGBM NuGet package's runtimes/{rid}/native folder by the host's probing; no
    // environment variables are needed.
    internal const string Library = "lib_lightgbm";

    // Returned as a raw pointer: the text lives in a thread-local buffer owned by LightGBM, so a string
    // marshaller (which would free the pointer after copying) must not touch it.
    [LibraryImport(Library)]
    internal static partial nint LGBM_GetLastError();

    [LibraryImport(Library)]
    internal static partial int LGBM_RegisterLogCallback(delegate* unmanaged[Cdecl]<byte*, void> callback);

    [LibraryImport(Library)]
    internal static partial int LGBM_DumpParamAliases(long buffer_len, out long out_len, byte* out_str);

    [LibraryImport(Library)]
    internal static partial int LGBM_GetMaxThreads(out int out_num_threads);

    [LibraryImport(Library)]
    internal static partial int LGBM_SetMaxThreads(int num_threads);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_NetworkInit(string machines, int local_listen_port, int listen_time_out, int num_machines);

    [LibraryImport(Library)]
    internal static partial int LGBM_NetworkFree();

    [LibraryImport(Library)]
    internal static partial int LGBM_FastConfigFree(nint fastConfig);

    // C API constants (c_api.h #defines).
    internal const int DTypeFloat32 = 0;
    internal const int DTypeFloat64 = 1;
    internal const int DTypeInt32 = 2;
}
