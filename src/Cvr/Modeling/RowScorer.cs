using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>What <c>cvr predict</c> writes for one row: <c>is_installed</c> (the calibrated ensemble) and
/// <c>is_clicked</c> (the click model, or 0 without one).</summary>
public readonly record struct RowPrediction(double Installed, double Clicked);

/// <summary>
/// Scores one impression at a time with a <see cref="TrainedSystem"/>, to the bit what <see cref="TrainedSystem.Score"/>
/// gives for the same row: the pipeline's per-row path (<see cref="RowTransform"/>), each model's row scorer on the same float32
/// features (<see cref="Booster.CreateRowScorer"/>: its trees compiled, or LightGBM's single-row fast path), each ensemble member's own per-row path
/// (<see cref="IEnsembleMember.CreateRowScorer"/>) calibrated with its ω, and the system's own
/// <see cref="TrainedSystem.CombineRow"/>. Thread-safe and allocation-free per row: each thread gets its own
/// buffers and member scorers; compiled trees need no lock, LightGBM's fast path serialises calls per booster. The baseline (raw columns) is not scored: it
/// is not part of the submission.
/// </summary>
public sealed class RowScorer : IDisposable
{
    private readonly TrainedSystem _system;
    private readonly ISingleRowScorer _like, _install, _e2e;
    private readonly ISingleRowScorer? _click;
    private readonly ThreadLocal<Buffers> _buffers;

    /// <exception cref="ConfigurationException">The fitted features have a step with no per-row form.</exception>
    public RowScorer(TrainedSystem system)
    {
        _system = system;
        Features = system.Pipeline.CreateRowTransform();
        ISingleRowScorer Create(string name) => system.Models[name].Booster.CreateRowScorer();
        _like = Create(ModelNames.Like);
        _install = Create(ModelNames.Install);
        _e2e = Create(ModelNames.EndToEnd);
        _click = system.HasClickModel ? Create(ModelNames.Click) : null;
        _buffers = new ThreadLocal<Buffers>(() => new Buffers(Features,
            system.Members.Select(m => m.Model.CreateRowScorer(system.Pipeline.FeatureNames, Features.Schema)).ToArray()));
    }

    /// <summary>The per-row feature path; its <see cref="RowTransform.Schema"/> is what a <see cref="RawRow"/> holds.</summary>
    public RowTransform Features { get; }

    public RawRow CreateRow() => new(Features.Schema);

    public RowPrediction Score(RawRow row) => Score(row, out _, out _);

    /// <summary><see cref="Score(RawRow)"/>, also giving the row's model inputs and the members' calibrated probabilities
    /// (in <see cref="TrainedSystem.Members"/> order); both are this thread's buffers, valid until its next call.</summary>
    public RowPrediction Score(RawRow row, out ReadOnlySpan<float> features, out ReadOnlySpan<double> memberValues)
    {
        var buffers = _buffers.Value!;
        Features.Transform(row, buffers.Scratch, buffers.Features);
        features = buffers.Features;
        var members = buffers.MemberValues;
        memberValues = members;
        for (var m = 0; m < members.Length; m++)
        {
            members[m] = Calibration.Apply(buffers.Members[m].PredictInstall(row, features), _system.Members[m].Omega);
        }
        var combined = _system.CombineRow(_like.Predict(features), _install.Predict(features), _e2e.Predict(features), members);
        return new RowPrediction(combined.Ensemble, _click?.Predict(features) ?? 0);
    }

    public void Dispose()
    {
        _like.Dispose();
        _install.Dispose();
        _e2e.Dispose();
        _click?.Dispose();
        _buffers.Dispose();
    }

    private sealed class Buffers(RowTransform features, IMemberRowScorer[] members)
    {
        public IMemberRowScorer[] Members { get; } = members;

        /// <summary>The members' calibrated probabilities, in <see cref="TrainedSystem.Members"/> order.</summary>
        public double[] MemberValues { get; } = new double[members.Length];

        public RowTransform.Scratch Scratch { get; } = features.CreateScratch();

        public float[] Features { get; } = new float[features.Width];
    }
}
