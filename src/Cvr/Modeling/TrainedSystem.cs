using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// Everything needed to score new impressions: the fitted features, the boosters, ω per model and the ensemble
/// weight. Training and prediction share <see cref="Score"/>, so a reloaded bundle scores exactly as trained.
/// </summary>
public sealed class TrainedSystem(
    TrainingOptions options,
    FittedFeaturePipeline pipeline,
    IReadOnlyDictionary<string, TrainedModel> models,
    double omegaTs,
    double omegaE2e,
    double ensembleWeight,
    DaySplit split,
    Schema trainingSchema,
    IReadOnlyList<TrainedMember>? members = null) : IDisposable
{
    public TrainingOptions Options { get; } = options;

    public FittedFeaturePipeline Pipeline { get; } = pipeline;

    public IReadOnlyDictionary<string, TrainedModel> Models { get; } = models;

    public double OmegaTs { get; } = omegaTs;

    public double OmegaE2e { get; } = omegaE2e;

    /// <summary>Weight of calibrated Model_ts in the ensemble (calibrated Model_e2e gets the rest).</summary>
    public double EnsembleWeight { get; } = ensembleWeight;

    public DaySplit Split { get; } = split;

    public Schema TrainingSchema { get; } = trainingSchema;

    /// <summary>Ensemble members beside Model_ts and Model_e2e, each with its ω and weight.</summary>
    public IReadOnlyList<TrainedMember> Members { get; } = members ?? [];

    /// <summary>Weight of calibrated Model_e2e: what Model_ts and the members leave.</summary>
    public double E2eWeight => 1 - EnsembleWeight - Members.Sum(m => m.Weight);

    /// <summary>Every calibrated model's weight in the ensemble, by its row name.</summary>
    public IReadOnlyDictionary<string, double> EnsembleWeights => new Dictionary<string, double>(StringComparer.Ordinal)
    {
        [ModelScores.TsCalName] = EnsembleWeight,
        [ModelScores.E2eCalName] = E2eWeight,
    }.Concat(Members.Select(m => KeyValuePair.Create(MemberScores.CalibratedName(m.Model.Name), m.Weight))).ToDictionary(StringComparer.Ordinal);

    public DayMetrics? ValidationMetrics { get; set; }

    /// <summary>What feature selection decided, when it ran for this system.</summary>
    public FeatureSelectionDecision? Selection { get; init; }

    public bool HasClickModel => Models.ContainsKey(ModelNames.Click);

    /// <summary>Scores rows of a frame (all when <paramref name="rows"/> is null).</summary>
    public ModelScores Score(Frame frame, int[]? rows = null)
    {
        var rowIds = rows is null ? frame.RowIds : rows.Select(r => frame.RowIds[r]).ToArray();
        return Combine(rowIds, PredictRaw(frame, rows));
    }

    /// <summary>Every model's uncalibrated probabilities for rows of a frame, by model name.</summary>
    public IReadOnlyDictionary<string, double[]> PredictRaw(Frame frame, int[]? rows = null)
    {
        var features = Pipeline.Transform(frame, rows, Options.Parallel);
        var raw = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var (name, model) in Models)
        {
            if (name == ModelNames.Baseline)
            {
                var columns = RawMatrix.Columns(TrainingSchema);
                raw[name] = Predict(model, RawMatrix.Build(frame, columns, rows));
            }
            else
            {
                raw[name] = Predict(model, features);
            }
        }
        foreach (var member in Members)
        {
            raw[member.Model.Name] = member.Model.PredictInstall(frame, rows, features);
        }
        return raw;
    }

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

    /// <summary>Model_ts's, Model_e2e's and each member's weight, in <see cref="CombineRow"/>'s order; computed once.</summary>
    private double[] MixWeights => field ??= [EnsembleWeight, E2eWeight, .. Members.Select(m => m.Weight)];

    private double[] Predict(TrainedModel model, FeatureMatrix features) => Predict(model.Booster, features, Options.Threads);

    /// <summary>A booster's probabilities for a (column-major) feature matrix, at its best iteration: the one
    /// prediction call of training, validation and scoring.</summary>
    internal static double[] Predict(Booster booster, FeatureMatrix features, int? threads)
        => booster.Predict(features.Data, features.Rows, layout: MatrixLayout.ColumnMajor, threads: threads ?? 0);

    public void Dispose()
    {
        foreach (var model in Models.Values) { model.Booster.Dispose(); }
        foreach (var member in Members) { member.Model.Dispose(); }
    }
}
