using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>
/// What every trial trains on, built the way <see cref="TwoStageTrainer"/> builds it: features fitted on the
/// training days and applied to the validation day once; LightGBM Datasets binned on demand and kept per max_bin
/// (the only searched parameter that changes the binning), with stage 2's liked-rows subsets beside them.
/// </summary>
/// <remarks>The feature matrices stay in memory so that a new max_bin can be binned later without refitting.</remarks>
internal sealed class TuningData : IDisposable
{
    private readonly FeatureMatrix _train;
    private readonly FeatureMatrix _valid;
    private readonly SplitLabels _labels;
    private readonly TrainingOptions _options;
    private readonly Dictionary<string, Bins> _bins = new(StringComparer.Ordinal);

    public TuningData(Frame train, Frame? test, TrainingOptions options, ILogger logger)
    {
        _options = options;
        Split = DaySplit.Of(train, options.ValidationDay);
        logger.LogInformation("tuning on days {First}..{Last} ({Rows:N0} rows), validating on day {Day} ({ValidRows:N0} rows)",
            Split.FirstTrainDay, Split.LastTrainDay, Split.TrainRows.Length, Split.ValidationDay, Split.ValidationRows.Length);
        var (fitted, matrix) = new FeaturePipeline(options.Features).FitTransform(train, Split.TrainRows, test);
        _train = matrix;
        _valid = fitted.Transform(train, Split.ValidationRows);
        FeatureNames = fitted.FeatureNames;
        _labels = new SplitLabels(train, Split, options.StageOneLabel);
        logger.LogInformation("{Features} features per row; {Liked:N0} liked training rows for stage 2", FeatureNames.Count, _labels.TrainLikedRows.Length);
    }

    public DaySplit Split { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>
    /// The training and validation Datasets of <paramref name="model"/>, binned with <paramref name="maxBin"/>
    /// (null: what <c>cvr train</c> would use, e2e's parameters), labelled for that model.
    /// </summary>
    public (Dataset Train, Dataset Valid) For(string model, string? maxBin)
    {
        var bins = BinsFor(maxBin);
        if (model == ModelNames.Install)
        {
            bins.LikedTrain ??= Subset(bins.Train, _labels.TrainLikedRows, _labels.TrainInstalled);
            bins.LikedValid ??= Subset(bins.Valid, _labels.ValidLikedRows, _labels.ValidInstalledFloats);
            return (bins.LikedTrain, bins.LikedValid);
        }
        // e2e and like share one Dataset with different labels; trials run one at a time, so relabelling is safe.
        var (trainLabels, validLabels) = model == ModelNames.EndToEnd
            ? (_labels.TrainInstalled, _labels.ValidInstalledFloats)
            : (_labels.TrainStageOne, _labels.ValidStageOne);
        bins.Train.SetLabel(trainLabels);
        bins.Valid.SetLabel(validLabels);
        return (bins.Train, bins.Valid);
    }

    public void Dispose()
    {
        foreach (var bins in _bins.Values)
        {
            bins.LikedValid?.Dispose();
            bins.LikedTrain?.Dispose();
            bins.Valid.Dispose();
            bins.Train.Dispose();
        }
        _bins.Clear();
    }

    private Bins BinsFor(string? maxBin)
    {
        var key = maxBin ?? "";
        if (_bins.TryGetValue(key, out var bins))
        {
            return bins;
        }
        var values = new Dictionary<string, string>(_options.ParametersFor(ModelNames.EndToEnd).Extra, StringComparer.Ordinal)
        {
            ["feature_pre_filter"] = "false",
        };
        if (maxBin is not null) { values[SearchSpaces.MaxBin] = maxBin; }
        var parameters = new LightGbmParameters { Extra = values };
        var train = Dataset.FromMatrix(_train.Data, _train.Rows, _train.Columns, parameters, MatrixLayout.ColumnMajor);
        train.SetFeatureNames(FeatureNames);
        var valid = train.CreateValidation(_valid.Data, _valid.Rows, MatrixLayout.ColumnMajor);
        bins = new Bins(train, valid);
        _bins[key] = bins;
        return bins;
    }

    private static Dataset Subset(Dataset source, int[] rows, float[] labels)
    {
        if (rows.Length == 0)
        {
            throw new ArgumentException("no liked rows to tune stage 2 (install) on");
        }
        var subset = source.Subset(rows);
        var liked = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++) { liked[i] = labels[rows[i]]; }
        subset.SetLabel(liked);
        return subset;
    }

    private sealed class Bins(Dataset train, Dataset valid)
    {
        public Dataset Train { get; } = train;
        public Dataset Valid { get; } = valid;
        public Dataset? LikedTrain { get; set; }
        public Dataset? LikedValid { get; set; }
    }
}
