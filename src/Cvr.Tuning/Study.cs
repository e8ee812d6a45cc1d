namespace Cvr.Tuning;

/// <summary>How a study is set up; a resumed study must be opened with the same name, direction and sampler.</summary>
public sealed record StudyOptions
{
    public string Name { get; init; } = "study";

    public StudyDirection Direction { get; init; } = StudyDirection.Minimize;

    /// <summary>Optuna's default sampler, TPE; seeded (0 unless given) so that runs repeat.</summary>
    public Sampler Sampler { get; init; } = new TpeSampler();

    /// <summary>Optuna's default pruner; it only acts when the objective asks <see cref="Trial.ShouldPrune"/>.</summary>
    public Pruner Pruner { get; init; } = new MedianPruner();
}

/// <summary>
/// An optimisation: the trials so far, the sampler that proposes parameters and the pruner that stops poor trials.
/// With a file (<see cref="Open"/>) the study is saved after every change of a trial's state, atomically, so a
/// killed process loses at most the trial that was running; that trial is marked failed ("interrupted") on resume.
/// </summary>
/// <remarks>
/// Deterministic across resume: samplers draw each value from a random stream keyed by (seed, trial number,
/// parameter name) and look only at the recorded history, so the parameters of trial k are a function of the seed
/// and trials 0..k-1 as saved. A study stopped between trials and resumed proposes exactly what an uninterrupted
/// run would have. A study killed during trial k records k as failed and goes on with k+1, whose parameters are
/// those an uninterrupted run would have drawn had trial k failed. (Bit-for-bit equality also assumes the same
/// platform: Math.Exp and Math.Log come from the C runtime.)
/// </remarks>
public sealed class Study
{
    /// <summary>Recorded as the fail reason of a trial found running when its study is resumed.</summary>
    public const string InterruptedReason = "interrupted (the trial was running when the process stopped)";

    private readonly List<TrialRecord> _trials;
    private readonly Dictionary<int, Trial> _running = [];

    private Study(StudyOptions options, string? path, List<TrialRecord> trials)
    {
        Name = options.Name;
        Direction = options.Direction;
        Sampler = options.Sampler;
        Pruner = options.Pruner;
        StoragePath = path;
        _trials = trials;
    }

    public string Name { get; }

    public StudyDirection Direction { get; }

    public Sampler Sampler { get; }

    public Pruner Pruner { get; }

    /// <summary>The JSON file the study is saved to, or null for a study kept in memory.</summary>
    public string? StoragePath { get; }

    /// <summary>Every trial so far in number order, running ones included.</summary>
    public IReadOnlyList<TrialRecord> Trials => _trials;

    /// <summary>The complete trial with the best value (the earliest on ties), or null when none is complete.</summary>
    public TrialRecord? BestTrial
    {
        get
        {
            TrialRecord? best = null;
            foreach (var trial in _trials)
            {
                if (trial.State == TrialState.Complete && (best is null || IsBetter(trial.Value!.Value, best.Value!.Value)))
                {
                    best = trial;
                }
            }
            return best;
        }
    }

    /// <summary>A study kept in memory.</summary>
    public static Study Create(StudyOptions? options = null) => new(options ?? new StudyOptions(), null, []);

    /// <summary>
    /// Creates the study file, or resumes the study in it: its trials are loaded, numbering continues, and a trial
    /// left running is marked failed. Throws when the file belongs to another study (name, direction, sampler or
    /// seed differ) or is not a valid study file.
    /// </summary>
    public static Study Open(string path, StudyOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new StudyOptions();
        if (!File.Exists(path))
        {
            var fresh = new Study(options, path, []);
            fresh.Save();
            return fresh;
        }
        var saved = StudyFile.Load(path);
        var mismatch =
            saved.Name != options.Name ? $"name '{saved.Name}', not '{options.Name}'"
            : saved.Direction != options.Direction ? $"direction {Lower(saved.Direction)}, not {Lower(options.Direction)}"
            : saved.SamplerName != options.Sampler.Name || saved.Seed != options.Sampler.Seed
                ? $"sampler {saved.SamplerName} seed {saved.Seed}, not {options.Sampler.Name} seed {options.Sampler.Seed}"
            : null;
        if (mismatch is not null)
        {
            throw new InvalidOperationException($"{path}: the saved study has {mismatch}; open it with the options it was created with.");
        }
        var trials = saved.Trials
            .Select(t => t.State == TrialState.Running ? t with { State = TrialState.Failed, FailReason = InterruptedReason } : t)
            .ToList();
        var study = new Study(options, path, trials);
        study.Save();
        return study;
    }

    /// <summary>Starts the next trial (and records it as running in the file).</summary>
    public Trial Ask()
    {
        var trial = new Trial(this, _trials.Count, DateTimeOffset.UtcNow);
        _running[trial.Number] = trial;
        _trials.Add(trial.Snapshot(TrialState.Running, null, null, null));
        Save();
        return trial;
    }

    /// <summary>Completes a trial with the objective's value; NaN fails it instead, as in Optuna.</summary>
    public TrialRecord Tell(Trial trial, double value) =>
        double.IsNaN(value)
            ? Finish(trial, TrialState.Failed, null, "the objective returned NaN")
            : Finish(trial, TrialState.Complete, value, null);

    public TrialRecord TellPruned(Trial trial) => Finish(trial, TrialState.Pruned, null, null);

    public TrialRecord TellFailed(Trial trial, string reason) => Finish(trial, TrialState.Failed, null, reason);

    /// <summary>
    /// Runs <paramref name="trialCount"/> more trials. An objective that throws <see cref="TrialPrunedException"/>
    /// has its trial pruned; any other exception fails the trial (the study is saved) and is rethrown.
    /// </summary>
    public void Optimize(Func<Trial, double> objective, int trialCount, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegative(trialCount);
        for (int i = 0; i < trialCount; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            var trial = Ask();
            double value;
            try
            {
                value = objective(trial);
            }
            catch (TrialPrunedException)
            {
                TellPruned(trial);
                continue;
            }
            catch (Exception e)
            {
                TellFailed(trial, e.Message);
                throw;
            }
            Tell(trial, value);
        }
    }

    private TrialRecord Finish(Trial trial, TrialState state, double? value, string? reason)
    {
        ArgumentNullException.ThrowIfNull(trial);
        if (!_running.Remove(trial.Number, out var running) || !ReferenceEquals(running, trial))
        {
            throw new InvalidOperationException($"Trial {trial.Number} is not a running trial of study '{Name}'.");
        }
        trial.State = state;
        var record = trial.Snapshot(state, value, DateTimeOffset.UtcNow, reason);
        _trials[trial.Number] = record;
        Save();
        return record;
    }

    private bool IsBetter(double candidate, double incumbent) =>
        Direction == StudyDirection.Minimize ? candidate < incumbent : candidate > incumbent;

    private void Save()
    {
        if (StoragePath is not null)
        {
            StudyFile.Save(StoragePath, new SavedStudy(Name, Direction, Sampler.Name, Sampler.Seed, _trials));
        }
    }

    private static string Lower(StudyDirection direction) => direction.ToString().ToLowerInvariant();
}
