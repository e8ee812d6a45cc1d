using System.Text.Json;

namespace Cvr.Tuning;

/// <summary>
/// One evaluation of the objective while it runs: it suggests parameter values, takes intermediate values for
/// pruning, and is finished by its <see cref="Study"/> (Tell, TellPruned, TellFailed, or Optimize).
/// </summary>
public sealed class Trial
{
    private readonly Study _study;
    private readonly Dictionary<string, TrialParam> _params = new(StringComparer.Ordinal);
    private readonly SortedDictionary<int, double> _intermediate = [];
    private readonly Dictionary<string, JsonElement> _userAttributes = new(StringComparer.Ordinal);

    internal Trial(Study study, int number, DateTimeOffset start)
    {
        _study = study;
        Number = number;
        Start = start;
    }

    /// <summary>0-based, in the order trials were started; numbering continues across resumes.</summary>
    public int Number { get; }

    public DateTimeOffset Start { get; }

    /// <summary>The study's direction, which intermediate values must follow too (the pruner compares them by it).</summary>
    public StudyDirection Direction => _study.Direction;

    public TrialState State { get; internal set; } = TrialState.Running;

    /// <summary>The values suggested so far, as the objective saw them.</summary>
    public IReadOnlyDictionary<string, object> Params => _params.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);

    public IReadOnlyDictionary<int, double> IntermediateValues => _intermediate;

    /// <summary>A real number in [low, high]; on a log scale, or on the grid low + k step.</summary>
    public double SuggestFloat(string name, double low, double high, bool log = false, double? step = null) =>
        (double)Suggest(name, new FloatDistribution(low, high, log, step));

    /// <summary>An integer in [low, high] (both ends included) on the grid low + k step, optionally log-scaled.</summary>
    public int SuggestInt(string name, int low, int high, bool log = false, int step = 1) =>
        (int)Suggest(name, new IntDistribution(low, high, log, step));

    /// <summary>One of the choices (strings, booleans or numbers), returned as the caller's own object.</summary>
    public T SuggestCategorical<T>(string name, IReadOnlyList<T> choices)
        where T : notnull
    {
        var distribution = new CategoricalDistribution(choices.Select(c => (object)c));
        int index = (int)SuggestInternal(name, distribution);
        return choices[index];
    }

    /// <summary>
    /// A value from any distribution. Suggesting a name again in the same trial returns the same value; asking for
    /// it from a different distribution is a programming error and throws.
    /// </summary>
    public object Suggest(string name, ParamDistribution distribution) =>
        distribution.ToExternal(SuggestInternal(name, distribution));

    /// <summary>Every parameter of a search space, in the space's order.</summary>
    public IReadOnlyDictionary<string, object> Suggest(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, distribution) in space)
        {
            values[name] = Suggest(name, distribution);
        }
        return values;
    }

    /// <summary>
    /// Records an intermediate value (e.g. the validation loss after an iteration) for the pruner. Steps are
    /// non-negative; a step reported twice keeps its first value, as in Optuna.
    /// </summary>
    public void Report(int step, double value)
    {
        EnsureRunning(nameof(Report));
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        _intermediate.TryAdd(step, value);
    }

    /// <summary>Whether the study's pruner would stop this trial now, given what it reported so far.</summary>
    public bool ShouldPrune()
    {
        EnsureRunning(nameof(ShouldPrune));
        return _study.Pruner.ShouldPrune(_study.Trials, _study.Direction, Snapshot(TrialState.Running, null, null, null));
    }

    /// <summary>Stores a JSON-serialisable value with the trial (e.g. the best iteration); saved in the study file.</summary>
    public void SetUserAttribute<T>(string key, T value)
    {
        EnsureRunning(nameof(SetUserAttribute));
        _userAttributes[key] = JsonSerializer.SerializeToElement(value);
    }

    internal TrialRecord Snapshot(TrialState state, double? value, DateTimeOffset? end, string? failReason) => new()
    {
        Number = Number,
        State = state,
        Params = new Dictionary<string, TrialParam>(_params, StringComparer.Ordinal),
        Value = value,
        IntermediateValues = new SortedDictionary<int, double>(_intermediate),
        Start = Start,
        End = end,
        UserAttributes = new Dictionary<string, JsonElement>(_userAttributes, StringComparer.Ordinal),
        FailReason = failReason,
    };

    private double SuggestInternal(string name, ParamDistribution distribution)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(distribution);
        EnsureRunning("Suggest");
        if (_params.TryGetValue(name, out var existing))
        {
            if (!existing.Distribution.Equals(distribution))
            {
                throw new InvalidOperationException(
                    $"Trial {Number}: parameter '{name}' was suggested from {existing.Distribution} and now from {distribution}; a name keeps one distribution within a trial.");
            }
            return existing.InternalValue;
        }
        double value = _study.Sampler.Sample(new SamplingRequest(_study.Trials, _study.Direction, Number, name, distribution));
        _params[name] = new TrialParam(distribution, value);
        return value;
    }

    private void EnsureRunning(string action)
    {
        if (State != TrialState.Running)
        {
            throw new InvalidOperationException($"Trial {Number} is {State.ToString().ToLowerInvariant()}; {action} needs a running trial.");
        }
    }
}

/// <summary>Thrown by an objective to say its trial was pruned (Optuna's TrialPruned); Study.Optimize records it.</summary>
public sealed class TrialPrunedException : Exception
{
    public TrialPrunedException()
        : base("The trial was pruned.")
    {
    }

    public TrialPrunedException(string message)
        : base(message)
    {
    }

    public TrialPrunedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
