using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>Time spent in each phase, so the benchmark can tell LightGBM's own work from ours.</summary>
public sealed class PhaseTimer
{
    private readonly List<(string Phase, TimeSpan Elapsed)> _phases = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();

    public IReadOnlyList<(string Phase, TimeSpan Elapsed)> Phases { get { lock (_lock) { return [.. _phases]; } } }

    /// <summary>Gets a debug line after each phase with the process's resident memory, to find memory peaks.</summary>
    public ILogger? MemoryLog { get; init; }

    public T Time<T>(string phase, Func<T> work)
    {
        var start = _clock.Elapsed;
        var result = work();
        lock (_lock) { _phases.Add((phase, _clock.Elapsed - start)); }
        MemoryLog?.LogDebug("after {Phase}: resident {Resident:F2} GB, managed heap {Managed:F2} GB", phase,
            Environment.WorkingSet / 1e9, GC.GetTotalMemory(forceFullCollection: false) / 1e9);
        return result;
    }

    public void Time(string phase, Action work) => Time(phase, () => { work(); return 0; });

    /// <summary>Seconds per phase name, summed over repeats, for reports.</summary>
    public IReadOnlyDictionary<string, double> Seconds()
        => Phases.GroupBy(p => p.Phase).ToDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Elapsed.TotalSeconds), 3));
}
