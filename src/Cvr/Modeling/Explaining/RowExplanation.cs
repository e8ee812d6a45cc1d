namespace Cvr.Modeling.Explaining;

/// <summary>One booster's TreeSHAP for one row, in raw-score space: <c>ExpectedValue + Σ Values = RawScore</c>
/// (LightGBM's own contributions and raw score, equal to rounding).</summary>
/// <param name="Values">Per model input, in matrix order.</param>
public sealed record BoosterContributions(string Model, double ExpectedValue, double RawScore, double[] Values);

/// <summary>Why one impression got its scores: each booster's contributions and the served probability's attribution.</summary>
/// <param name="RowId">The impression's row id (<c>f_0</c>; null when a served instance had none).</param>
/// <param name="Prediction">What <c>cvr predict</c> writes for the row.</param>
/// <param name="Features">The row's model inputs (matrix order), as the boosters saw them.</param>
/// <param name="Boosters">like, install, e2e, and click when the bundle has it.</param>
public sealed record RowExplanation(long? RowId, RowPrediction Prediction, float[] Features, IReadOnlyList<BoosterContributions> Boosters, ServedAttribution Installed);
