using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling.Explaining;

/// <summary>
/// Explains one impression at a time, to the bit what <see cref="Explainer.Explain"/> gives for the same row: the
/// scores from the system's <see cref="RowScorer"/> (the same bits as batch scoring), and per booster LightGBM's
/// single-row TreeSHAP and raw score (the same bits as its batch prediction) on the same float32 inputs.
/// </summary>
/// <remarks>
/// Used by one thread at a time, as its <see cref="RowScorer"/> is (it reads the scorer's buffers). LightGBM keeps
/// one single-row state per booster and prediction kind; the contributions and raw-score predictors here use their
/// own kinds, so they never displace the normal-kind state of the row scorer's fallback, and explainers of other
/// threads on the same boosters are kept apart by <see cref="SingleRowPredictor"/>'s per-booster lock (uncontended
/// in <c>cvr serve</c>, where each lane owns its boosters).
/// </remarks>
public sealed class RowExplainer : IDisposable
{
    private readonly Explainer _explainer;
    private readonly RowScorer _scorer;
    private readonly SingleRowPredictor[] _contributions;
    private readonly SingleRowPredictor[] _raw;

    internal RowExplainer(Explainer explainer, ScoringSet scoring, RowScorer scorer)
    {
        _explainer = explainer;
        _scorer = scorer;
        var boosters = explainer.BoosterNames.Select(name => scoring.Boosters[name]).ToArray();
        _contributions = [.. boosters.Select(b => b.CreateSingleRowPredictor(PredictionKind.Contributions))];
        _raw = [.. boosters.Select(b => b.CreateSingleRowPredictor(PredictionKind.RawScore))];
    }

    public Explainer Explainer => _explainer;

    public RowExplanation Explain(RawRow row)
    {
        var prediction = _scorer.Score(row, out var features, out var members);
        var contributions = new ReadOnlyMemory<double>[_contributions.Length];
        Span<double> raw = stackalloc double[_raw.Length];
        for (var b = 0; b < contributions.Length; b++)
        {
            var output = new double[_contributions[b].OutputLength];
            _contributions[b].Predict(features, output);
            contributions[b] = output;
            raw[b] = _raw[b].Predict(features);
        }
        return _explainer.Assemble(row.RowId, prediction, features.ToArray(), contributions, raw, members);
    }

    public void Dispose()
    {
        foreach (var p in _contributions) { p.Dispose(); }
        foreach (var p in _raw) { p.Dispose(); }
    }
}
