using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>What <c>cvr predict</c> writes for one row: <c>is_installed</c> (the calibrated ensemble) and
/// <c>is_clicked</c> (the click model, or 0 without one).</summary>
public readonly record struct RowPrediction(double Installed, double Clicked);

/// <summary>
/// Scores one impression at a time with a <see cref="ScoringSet"/>, to the bit what <see cref="TrainedSystem.Score"/>
/// gives for the same row: the pipeline's per-row path (<see cref="RowTransform"/>), each model's row scorer on the same float32
/// features (<see cref="Booster.CreateRowScorer"/>: its trees compiled, or LightGBM's single-row fast path), each ensemble member's own per-row path
/// (<see cref="IEnsembleMember.CreateRowScorer"/>) calibrated with its ω, and the set's own
/// <see cref="ScoringSet.CombineRow"/>. Allocation-free per row. The baseline (raw columns) is not scored: it is not
/// part of the submission.
/// </summary>
/// <remarks>
/// Used by one thread at a time: it owns its buffers (the row's features, the members' row scorers), and
/// <see cref="Score(RawRow, out ReadOnlySpan{float}, out ReadOnlySpan{double})"/> hands them out. For parallel
/// scoring make one per thread; they may share a scoring set (its boosters' own single-row state is guarded by
/// <see cref="SingleRowPredictor"/>, compiled trees need no guard). <c>cvr serve</c> gives each lane its own, with
/// its own copy of the boosters, and rents a lane to one request at a time: that is serving's one concurrency
/// mechanism.
/// </remarks>
public sealed class RowScorer : IDisposable
{
    private readonly ScoringSet _scoring;
    private readonly ISingleRowScorer _like, _install, _e2e;
    private readonly ISingleRowScorer? _click;
    private readonly IMemberRowScorer[] _members;
    private readonly double[] _memberValues;
    private readonly RowTransform.Scratch _scratch;
    private readonly float[] _features;

    /// <summary>A row scorer over a trained system's own boosters.</summary>
    /// <exception cref="ConfigurationException">The fitted features have a step with no per-row form.</exception>
    public RowScorer(TrainedSystem system) : this(system.Scoring)
    {
    }

    /// <exception cref="ConfigurationException">The fitted features have a step with no per-row form.</exception>
    public RowScorer(ScoringSet scoring)
    {
        _scoring = scoring;
        Features = scoring.Pipeline.CreateRowTransform();
        ISingleRowScorer Create(string name) => scoring.Boosters[name].CreateRowScorer();
        _like = Create(ModelNames.Like);
        _install = Create(ModelNames.Install);
        _e2e = Create(ModelNames.EndToEnd);
        _click = scoring.HasClickModel ? Create(ModelNames.Click) : null;
        _members = [.. scoring.Members.Select(m => m.Model.CreateRowScorer(scoring.Pipeline.FeatureNames, Features.Schema))];
        _memberValues = new double[_members.Length];
        _scratch = Features.CreateScratch();
        _features = new float[Features.Width];
    }

    /// <summary>The per-row feature path; its <see cref="RowTransform.Schema"/> is what a <see cref="RawRow"/> holds.</summary>
    public RowTransform Features { get; }

    public RawRow CreateRow() => new(Features.Schema);

    public RowPrediction Score(RawRow row) => Score(row, out _, out _);

    /// <summary><see cref="Score(RawRow)"/>, also giving the row's model inputs and the members' calibrated probabilities
    /// (in <see cref="ScoringSet.Members"/> order); both are this scorer's buffers, valid until its next call.</summary>
    public RowPrediction Score(RawRow row, out ReadOnlySpan<float> features, out ReadOnlySpan<double> memberValues)
    {
        Features.Transform(row, _scratch, _features);
        features = _features;
        memberValues = _memberValues;
        for (var m = 0; m < _members.Length; m++)
        {
            _memberValues[m] = Calibration.Apply(_members[m].PredictInstall(row, features), _scoring.Members[m].Omega);
        }
        var combined = _scoring.CombineRow(_like.Predict(features), _install.Predict(features), _e2e.Predict(features), _memberValues);
        return new RowPrediction(combined.Ensemble, _click?.Predict(features) ?? 0);
    }

    public void Dispose()
    {
        _like.Dispose();
        _install.Dispose();
        _e2e.Dispose();
        _click?.Dispose();
    }
}
