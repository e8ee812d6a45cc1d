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
    Schema trainingSchema) : IDisposable
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

    public DayMetrics? ValidationMetrics { get; set; }

    public bool HasClickModel => Models.ContainsKey(ModelNames.Click);

    /// <summary>Scores rows of a frame (all when <paramref name="rows"/> is null); <paramref name="features"/> reuses
    /// a matrix already built for those rows.</summary>
    public ModelScores Score(Frame frame, int[]? rows = null, FeatureMatrix? features = null)
    {
        features ??= Pipeline.Transform(frame, rows);
        var like = Predict(ModelNames.Like, features);
        var install = Predict(ModelNames.Install, features);
        var e2e = Predict(ModelNames.EndToEnd, features);
        var ts = new double[like.Length];
        for (var i = 0; i < ts.Length; i++) { ts[i] = like[i] * install[i]; }
        var tsCal = Calibration.Apply(ts, OmegaTs);
        var e2eCal = Calibration.Apply(e2e, OmegaE2e);
        var ensemble = Ensemble.Blend(tsCal, e2eCal, EnsembleWeight);
        double[]? baseline = null;
        if (Models.TryGetValue(ModelNames.Baseline, out var baselineModel))
        {
            var raw = RawMatrix.Build(frame, RawMatrix.Columns(TrainingSchema), rows);
            baseline = baselineModel.Booster.Predict(raw.Data, raw.Rows, layout: MatrixLayout.ColumnMajor, threads: Options.Threads ?? 0);
        }
        var click = HasClickModel ? Predict(ModelNames.Click, features) : null;
        var rowIds = rows is null ? frame.RowIds : rows.Select(r => frame.RowIds[r]).ToArray();
        return new ModelScores(rowIds, ts, e2e, tsCal, e2eCal, ensemble, baseline, click);
    }

    private double[] Predict(string model, FeatureMatrix features)
        => Models[model].Booster.Predict(features.Data, features.Rows, layout: MatrixLayout.ColumnMajor, threads: Options.Threads ?? 0);

    public void Dispose()
    {
        foreach (var model in Models.Values) { model.Booster.Dispose(); }
    }
}
