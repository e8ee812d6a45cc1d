using System.Diagnostics;
using System.Globalization;
using Cvr.Modeling;

namespace Cvr.Cli;

/// <summary>
/// A live status line on an interactive terminal (model, iteration, validation logloss, elapsed), redrawn in place
/// at most five times a second. Log lines clear it, print, and let it redraw, so the two never interleave. Only
/// used when stderr is a terminal and neither --quiet nor --json is given; redirected output gets plain lines.
/// </summary>
internal sealed class TerminalStatus(TextWriter writer) : IProgress<ModelProgress>
{
    private static readonly long s_redrawTicks = Stopwatch.Frequency / 5;
    private readonly Lock _lock = new();
    private string _line = "";
    private long _lastDraw;

    public void Report(ModelProgress value)
    {
        var now = Stopwatch.GetTimestamp();
        if (now - _lastDraw < s_redrawTicks)
        {
            return;
        }
        _lastDraw = now;
        var p = value.Progress;
        var metric = p.Evaluations.FirstOrDefault(e => e.MetricName == "binary_logloss");
        var text = string.Create(CultureInfo.InvariantCulture,
            $"[{value.Model}] iteration {p.Iteration}/{p.IterationCount}  {(metric is null ? "" : $"{metric.DataName} logloss {metric.Value:F5}")}  {p.Elapsed.TotalSeconds:F0} s");
        lock (_lock)
        {
            _line = text;
            writer.Write("\r\u001b[K" + _line);
            writer.Flush();
        }
    }

    /// <summary>Writes a whole log line above the status line.</summary>
    public void WriteLine(string line)
    {
        lock (_lock)
        {
            if (_line.Length > 0) { writer.Write("\r\u001b[K"); }
            writer.WriteLine(line);
            if (_line.Length > 0) { writer.Write(_line); }
            writer.Flush();
        }
    }

    /// <summary>Removes the status line (before results are printed, and when the command ends).</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_line.Length > 0)
            {
                writer.Write("\r\u001b[K");
                writer.Flush();
                _line = "";
            }
        }
    }

    public static bool Wanted(bool quiet, bool json) => !quiet && !json && !Console.IsErrorRedirected;
}
