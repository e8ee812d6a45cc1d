using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>
/// A trained system as training produced it or <see cref="ModelBundleLoader.Load"/> reloads it for batch work
/// (<c>cvr predict</c>, <c>evaluate</c>, <c>explain</c>, <c>report</c>): the fitted features, the boosters with what
/// was learned about them, ω per model, the ensemble weight, and the training options and day split behind them.
/// Training and prediction share <see cref="Score"/>, so a reloaded bundle scores exactly as trained. Serving loads
/// a <see cref="ScoringModel"/> instead, which carries none of the training state.
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

    public IReadOnlyDictionary<string, TrainedModel> Models { get; } = models;

    public DaySplit Split { get; } = split;

    public Schema TrainingSchema { get; } = trainingSchema;

    /// <summary>The scoring view of this system: its pipeline, its boosters and its ensemble (<see cref="ScoringSet"/>),
    /// which holds them; the properties below read it.</summary>
    public ScoringSet Scoring { get; } = new(pipeline, models.ToDictionary(kv => kv.Key, kv => kv.Value.Booster, StringComparer.Ordinal),
        omegaTs, omegaE2e, ensembleWeight, members ?? []);

    public FittedFeaturePipeline Pipeline => Scoring.Pipeline;

    public double OmegaTs => Scoring.OmegaTs;

    public double OmegaE2e => Scoring.OmegaE2e;

    /// <summary>Weight of calibrated Model_ts in the ensemble (calibrated Model_e2e gets the rest).</summary>
    public double EnsembleWeight => Scoring.EnsembleWeight;

    /// <summary>Ensemble members beside Model_ts and Model_e2e, each with its ω and weight.</summary>
    public IReadOnlyList<TrainedMember> Members => Scoring.Members;

    /// <summary>Weight of calibrated Model_e2e: what Model_ts and the members leave.</summary>
    public double E2eWeight => Scoring.E2eWeight;

    /// <summary>Every calibrated model's weight in the ensemble, by its row name.</summary>
    public IReadOnlyDictionary<string, double> EnsembleWeights => Scoring.EnsembleWeights;

    public DayMetrics? ValidationMetrics { get; set; }

    /// <summary>What feature selection decided, when it ran for this system.</summary>
    public FeatureSelectionDecision? Selection { get; init; }

    /// <summary>How the validation rows were weighted (<see cref="TrainingOptions.WeightValidationNewAds"/>); null when not asked for.</summary>
    public NewAdWeighting? ValidationWeighting { get; init; }

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

    /// <summary>The paper's five rows from the models' uncalibrated probabilities (<see cref="ScoringSet.Combine"/>).</summary>
    public ModelScores Combine(long[] rowIds, IReadOnlyDictionary<string, double[]> raw) => Scoring.Combine(rowIds, raw);

    private double[] Predict(TrainedModel model, FeatureMatrix features) => model.Booster.Predict(features, Options.Threads);

    public void Dispose()
    {
        foreach (var model in Models.Values) { model.Booster.Dispose(); }
        foreach (var member in Members) { member.Model.Dispose(); }
    }
}
