using System.Diagnostics;

namespace Cvr.Cli.Tests.Shapes;

/// <summary>
/// Runs <c>cvr</c> as a child process under glibc's heap checker: <c>MALLOC_CHECK_=3</c> (abort with a message on the
/// first heap inconsistency glibc sees) and <c>MALLOC_PERTURB_</c> (fresh and freed memory filled with a byte pattern,
/// so a read of uninitialised or freed memory changes results instead of passing by luck). A native heap error then
/// ends the process with SIGABRT (exit 134) and glibc's message on stderr, which a test reports instead of dying with it.
/// </summary>
internal static class HeapCheckedCli
{
    /// <summary>Exit codes of a process killed by a signal, as the shell reports them (128 + signal).</summary>
    public static bool IsSignal(int exit) => exit > 128 && exit != ExitCodes.Cancelled;

    public static (int Exit, string Out, string Err) Run(TimeSpan timeout, params string[] args)
    {
        var cache = Path.Combine(Path.GetTempPath(), "cvr-shape-cache-" + Guid.NewGuid().ToString("N")[..8]);
        using var process = Start(cache, args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"cvr {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:N0} s (a hang); stderr: {Tail(stderr.Result)}");
        }
        try { Directory.Delete(cache, recursive: true); }
        catch (DirectoryNotFoundException) { }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Starts <c>cvr</c> under the heap checker with its output redirected (for a server the caller stops).</summary>
    public static Process Start(string cacheDir, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Cvr.Cli.dll"));
        foreach (var a in args) { start.ArgumentList.Add(a); }
        start.Environment["MALLOC_CHECK_"] = "3";
        start.Environment["MALLOC_PERTURB_"] = "165";
        start.Environment["CVR_CACHE_DIR"] = cacheDir;
        return Process.Start(start) ?? throw new InvalidOperationException("could not start cvr");
    }

    /// <summary>Asserts that <c>cvr COMMAND</c> was not killed by a signal (a native crash under the heap checker) and
    /// exited with <paramref name="expected"/>, naming the end of its stderr otherwise.</summary>
    public static void AssertExit(string command, int exit, string err, int expected = 0)
    {
        Assert.False(IsSignal(exit), $"cvr {command} died of signal {exit - 128}: {Tail(err)}");
        Assert.True(exit == expected, $"cvr {command} exited {exit}, expected {expected}: {Tail(err)}");
    }

    /// <summary>The last lines of a long stderr, for a failure message.</summary>
    public static string Tail(string text, int lines = 15) => string.Join('\n', text.Split('\n').TakeLast(lines));
}
