using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Cvr.LightGbm.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.LightGbm;

/// <summary>
/// Routes LightGBM's log lines to an <see cref="ILogger"/> instead of stdout. The logger is a process-wide
/// switch: set <see cref="Logger"/> once at start-up. LightGBM keeps its callback per thread; this binding
/// registers it on each thread before that thread's first dataset, booster, training or prediction call
/// (lines logged from inside LightGBM's own OpenMP workers, rare, still go to stdout).
/// </summary>
public static class LightGbmLog
{
    private static ILogger s_logger = NullLogger.Instance;

    // LightGBM emits one line as three callback calls (the "[LightGBM] [Level] " prefix, the text, "\n");
    // a per-thread buffer joins them, because OpenMP worker threads may log concurrently.
    [ThreadStatic]
    private static StringBuilder? t_line;

    /// <summary>Receives every LightGBM log line; <see cref="NullLogger"/> by default. Verbosity is LightGBM's
    /// <c>verbosity</c> parameter (&lt; 0 fatal only, 0 warnings, 1 info, &gt; 1 debug).</summary>
    public static ILogger Logger
    {
        get => s_logger;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            s_logger = value;
            LightGbmLibrary.EnsureInitialized();
        }
    }

    internal static unsafe void Register() =>
        NativeCheck.Check(NativeMethods.LGBM_RegisterLogCallback(&OnNativeMessage), nameof(NativeMethods.LGBM_RegisterLogCallback));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe void OnNativeMessage(byte* text)
    {
        // An exception must never cross back into native code.
        try
        {
            var chunk = Marshal.PtrToStringUTF8((nint)text) ?? string.Empty;
            var line = t_line ??= new StringBuilder();
            line.Append(chunk);
            if (!chunk.EndsWith('\n'))
            {
                return;
            }
            var message = line.ToString().TrimEnd();
            line.Clear();
            if (message.Length > 0)
            {
                Emit(message);
            }
        }
        catch (Exception)
        {
            // Dropping one log line is better than crashing the process from a native callback.
        }
    }

    internal static void Emit(string message)
    {
        var (level, text) = Parse(message);
        var logger = s_logger;
        if (logger.IsEnabled(level))
        {
            logger.Log(level, "LightGBM: {Message}", text);
        }
    }

    /// <summary>Splits "[LightGBM] [Warning] text" into a log level and the text.</summary>
    internal static (LogLevel Level, string Text) Parse(string message)
    {
        const string Prefix = "[LightGBM] [";
        if (!message.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return (LogLevel.Information, message);
        }
        var close = message.IndexOf(']', Prefix.Length);
        if (close < 0)
        {
            return (LogLevel.Information, message);
        }
        var level = message[Prefix.Length..close] switch
        {
            "Fatal" => LogLevel.Error,
            "Warning" => LogLevel.Warning,
            "Debug" => LogLevel.Debug,
            _ => LogLevel.Information,
        };
        return (level, message[(close + 1)..].TrimStart());
    }
}
