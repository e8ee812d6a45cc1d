using System.Text.Json.Serialization;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>The sampler that proposes a study's parameters.</summary>
public enum SamplerKind
{
    [JsonStringEnumMemberName("tpe")] Tpe,
    [JsonStringEnumMemberName("random")] Random,
}

/// <summary>How <see cref="LightGbmTuner"/> runs: which models, how many trials, where results go.</summary>
public sealed record TuneOptions
{
    /// <summary>e2e, like or install, or all three (one after another, e2e first); or the name of an ensemble
    /// member kind given to <see cref="LightGbmTuner.Run"/>.</summary>
    public required string Model { get; init; }

    /// <summary>The trials each study should hold when done; a resumed study only runs the missing ones.</summary>
    public required int Trials { get; init; }

    /// <summary>The --params file to write; each model's study is kept beside it (<see cref="StudyPath"/>).</summary>
    public required string OutFile { get; init; }

    /// <summary>No new trial starts after this long (the whole command, all models); the running one finishes.</summary>
    public TimeSpan? Timeout { get; init; }

    public SamplerKind Sampler { get; init; } = SamplerKind.Tpe;

    /// <summary>Median pruning per boosting iteration; off: every trial runs to early stopping.</summary>
    public bool Prune { get; init; } = true;

    /// <summary>Complete trials before the pruner acts (Optuna's default 5).</summary>
    public int PruneStartupTrials { get; init; } = 5;

    /// <summary>Iterations before the pruner acts; null: the early-stopping patience (see the remarks of <see cref="LightGbmTuner"/>).</summary>
    public int? PruneWarmupSteps { get; init; }

    /// <summary>The models this run tunes, in order.</summary>
    public IReadOnlyList<string> Models => Model == "all" ? SearchSpaces.Models : [Model];

    /// <summary>Where a model's study lives: <c>FILE.MODEL.study.json</c>, so "all" keeps one study per model.</summary>
    public string StudyPath(string model) => $"{OutFile}.{model}.study.json";
}

/// <summary>What one model's study holds after the run.</summary>
public sealed record ModelTuneResult(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("study")] string Study,
    [property: JsonPropertyName("trials_run")] int TrialsRun,
    [property: JsonPropertyName("complete")] int Complete,
    [property: JsonPropertyName("pruned")] int Pruned,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("best_trial")] int? BestTrial,
    [property: JsonPropertyName("best_value")] double? BestValue,
    [property: JsonPropertyName("best_iteration")] int? BestIteration,
    [property: JsonPropertyName("parameters")] IReadOnlyDictionary<string, string>? Parameters);

/// <summary>The outcome of a tuning run (printed by <c>cvr tune --json</c>).</summary>
public sealed record TuneReport(
    [property: JsonPropertyName("out")] string? OutFile,
    [property: JsonPropertyName("timed_out")] bool TimedOut,
    [property: JsonPropertyName("models")] IReadOnlyList<ModelTuneResult> Models);
