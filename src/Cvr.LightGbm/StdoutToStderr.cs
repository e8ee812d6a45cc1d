using System.Runtime.InteropServices;

namespace Cvr.LightGbm;

/// <summary>
/// Points the process's standard output (file descriptor 1) at standard error for a scope, on Linux. LightGBM's
/// network prints from threads of its own ("[LightGBM] [Info] Listening..." from its listener), where the log callback,
/// which is thread-local, isn't registered: without this the line lands in stdout, in the middle of a command's
/// results (<c>--json</c>). Elsewhere, or when libc can't be called, it does nothing.
/// </summary>
internal sealed partial class StdoutToStderr : IDisposable
{
    private const int Stdout = 1;
    private const int Stderr = 2;
    private readonly int _saved = -1;

    public StdoutToStderr()
    {
        if (!OperatingSystem.IsLinux()) { return; }
        try
        {
            Console.Out.Flush();
            _ = Flush(IntPtr.Zero);
            _saved = Dup(Stdout);
            if (_saved >= 0 && Dup2(Stderr, Stdout) < 0)
            {
                _ = Close(_saved);
                _saved = -1;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _saved = -1;
        }
    }

    public void Dispose()
    {
        if (_saved < 0) { return; }
        _ = Flush(IntPtr.Zero); // C stdio buffers of the scope go to stderr, not to the restored stdout
        _ = Dup2(_saved, Stdout);
        _ = Close(_saved);
    }

    [LibraryImport("libc.so.6", EntryPoint = "dup")]
    private static partial int Dup(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "dup2")]
    private static partial int Dup2(int from, int to);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "fflush")]
    private static partial int Flush(IntPtr stream);
}
