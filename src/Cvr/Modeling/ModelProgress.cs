using Cvr.LightGbm.Training;

namespace Cvr.Modeling;

/// <summary>Where one model's training stands, for a live display.</summary>
public sealed record ModelProgress(string Model, TrainingProgress Progress);
