using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// What scoring reads beside the data: the fitted features, one set of boosters by model name, and the ensemble (ω
/// per model, Model_ts's weight, the members with theirs). A view that owns nothing: a <see cref="TrainedSystem"/>
/// has one over its own boosters (<see cref="TrainedSystem.Scoring"/>); a <see cref="ScoringModel"/> has one per
/// copy of its boosters, all sharing its one pipeline and its members. <see cref="RowScorer"/> and
/// <see cref="Explaining.Explainer"/> score through it, so batch, per-row and served scores combine in one place.
/// </summary>
public sealed class ScoringSet
{
    internal ScoringSet(FittedFeaturePipeline pipeline, IReadOnlyDictionary<string, Booster> boosters, double omegaTs, double omegaE2e,
        double ensembleWeight, IReadOnlyList<TrainedMember> members)
    {
        Pipeline = pipeline;
        Boosters = boosters;
        OmegaTs = omegaTs;
        OmegaE2e = omegaE2e;
        EnsembleWeight = ensembleWeight;
        Members = members;
        MixWeights = [EnsembleWeight, E2eWeight, .. members.Select(m => m.Weight)];
    }

    public FittedFeaturePipeline Pipeline { get; }

    /// <summary>The boosters by model name (<see cref="ModelNames"/>), each scoring at the iteration it was saved with.</summary>
    public IReadOnlyDictionary<string, Booster> Boosters { get; }

    public double OmegaTs { get; }

    public double OmegaE2e { get; }

    /// <summary>Weight of calibrated Model_ts in the ensemble (calibrated Model_e2e gets the rest).</summary>
    public double EnsembleWeight { get; }

    /// <summary>Ensemble members beside Model_ts and Model_e2e (the MMOE), each with its ω and weight.</summary>
    public IReadOnlyList<TrainedMember> Members { get; }

    /// <summary>Weight of calibrated Model_e2e: what Model_ts and the members leave.</summary>
    public double E2eWeight => 1 - EnsembleWeight - Members.Sum(m => m.Weight);

    public bool HasClickModel => Boosters.ContainsKey(ModelNames.Click);

    /// <summary>Every calibrated model's weight in the ensemble, by its row name.</summary>
    public IReadOnlyDictionary<string, double> EnsembleWeights => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [ModelScores.TsCalName] = EnsembleWeight,
        [ModelScores.E2eCalName] = E2eWeight,
    }.Concat(Members.Select(m => KeyValuePair.Create(MemberScores.CalibratedName(m.Model.Name), m.Weight))).ToDictionary(StringComparer.Ordinal);

    /// <summary>Model_ts's, Model_e2e's and each member's weight, in <see cref="CombineRow"/>'s order.</summary>
    private double[] MixWeights { get; }

    /// <summary>
    /// The paper's five rows from the models' uncalibrated probabilities: Model_ts = like × install, each model
    /// calibrated with its ω, blended with the ensemble weight (with members: every calibrated model weighted);
    /// the baseline and click model as they are.
    /// </summary>
    public ModelScores Combine(long[] rowIds, IReadOnlyDictionary<string, double[]> raw)
    {
        var like = raw[ModelNames.Like];
        var install = raw[ModelNames.Install];
        var e2e = raw[ModelNames.EndToEnd];
        var scored = Members.Select(m => new MemberScores(m.Model.Name, raw[m.Model.Name], Calibration.Apply(raw[m.Model.Name], m.Omega))).ToArray();
        var ts = new double[like.Length];
        var tsCal = new double[like.Length];
        var e2eCal = new double[like.Length];
        var ensemble = new double[like.Length];
        Span<double> members = stackalloc double[scored.Length];
        for (var i = 0; i < ts.Length; i++)
        {
            for (var m = 0; m < scored.Length; m++) { members[m] = scored[m].Calibrated[i]; }
            (ts[i], tsCal[i], e2eCal[i], ensemble[i]) = CombineRow(like[i], install[i], e2e[i], members);
        }
        return new ModelScores(rowIds, ts, e2e, tsCal, e2eCal, ensemble, raw.GetValueOrDefault(ModelNames.Baseline), raw.GetValueOrDefault(ModelNames.Click)) { Members = scored };
    }

    /// <summary>One row of <see cref="Combine"/>: the per-element function that batch scoring and the per-row
    /// path (<see cref="RowScorer"/>) share, so both give the same bits.</summary>
    /// <param name="members">The calibrated probabilities of <see cref="Members"/>, in order (empty without members).</param>
    public (double Ts, double TsCalibrated, double E2eCalibrated, double Ensemble) CombineRow(double like, double install, double e2e, ReadOnlySpan<double> members)
    {
        var ts = like * install;
        var tsCal = Calibration.Apply(ts, OmegaTs);
        var e2eCal = Calibration.Apply(e2e, OmegaE2e);
        if (Members.Count == 0)
        {
            return (ts, tsCal, e2eCal, Ensemble.Blend(tsCal, e2eCal, EnsembleWeight));
        }
        Span<double> values = stackalloc double[2 + Members.Count];
        values[0] = tsCal;
        values[1] = e2eCal;
        members.CopyTo(values[2..]);
        return (ts, tsCal, e2eCal, Ensemble.MixRow(values, MixWeights));
    }
}
