using System.Text.Json;

namespace Cvr.Tuning;

public enum TrialState
{
    Running,
    Complete,
    Pruned,
    Failed,
}

public enum StudyDirection
{
    Minimize,
    Maximize,
}

/// <summary>A parameter's value as a trial recorded it: the distribution it came from and its internal value.</summary>
public sealed record TrialParam(ParamDistribution Distribution, double InternalValue)
{
    /// <summary>The value the objective saw (double, int, or the categorical choice in its normal form).</summary>
    public object Value => Distribution.ToExternal(InternalValue);
}

/// <summary>
/// An immutable snapshot of a trial, the unit of a study's history (Optuna's FrozenTrial). Samplers and pruners
/// see only these, so anything they decide is a function of the recorded history.
/// </summary>
public sealed record TrialRecord
{
    public required int Number { get; init; }

    public required TrialState State { get; init; }

    public required IReadOnlyDictionary<string, TrialParam> Params { get; init; }

    /// <summary>The objective's value; set for complete trials only.</summary>
    public double? Value { get; init; }

    /// <summary>Values reported with <see cref="Trial.Report"/>, by step, in ascending step order.</summary>
    public required IReadOnlyDictionary<int, double> IntermediateValues { get; init; }

    public required DateTimeOffset Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public required IReadOnlyDictionary<string, JsonElement> UserAttributes { get; init; }

    /// <summary>Why a failed trial failed (the exception's message, "interrupted", ...).</summary>
    public string? FailReason { get; init; }

    public bool IsFinished => State != TrialState.Running;

    /// <summary>The last reported step, or null when nothing was reported.</summary>
    public int? LastStep => IntermediateValues.Count == 0 ? null : IntermediateValues.Keys.Max();

    /// <summary>A parameter's value as the objective saw it.</summary>
    public object this[string name] => Params[name].Value;
}
