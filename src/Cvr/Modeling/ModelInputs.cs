using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// The one data path of training and tuning: the day split, the features fitted on the training days (and the
/// validation day's features from that fit), the labels, and LightGBM Datasets binned once — the training rows,
/// the validation day on the same bins, and stage 2's liked rows binned as Datasets of their own. <see cref="TwoStageTrainer"/>
/// trains every paper model on it and the tuner trains its trials on it, through the same <see cref="Train"/> (and
/// <see cref="ModelFitter"/>), so a trial and <c>cvr train --params</c> with the trial's parameters train the same model.
/// </summary>
/// <remarks>
/// e2e, like and click share the binned rows and differ only in labels, which <see cref="Train"/> sets before
/// each model: use one instance from one thread at a time. Bins come from the binning parameters (e2e's, as
/// every model shares them); other max_bin values (a tuner's) need <c>retainTrainingMatrix</c>, which builds and
/// keeps the whole float matrix; otherwise the training rows are streamed into LightGBM and the matrix never exists.
/// </remarks>
public sealed class ModelInputs : IDisposable
{
    private readonly Dictionary<int, Bins> _bins = [];
    private readonly LightGbmParameters _binning;
    private readonly TrainingOptions _options;
    private readonly PhaseTimer _timer;
    private readonly bool _stageTwo;

    /// <summary>This rank's block of training-row positions in a data-parallel job; null on one machine (every row).</summary>
    private readonly (int Start, int End)? _block;
    private FeatureMatrix? _retained;

    /// <summary>The exchange of this rank's feature fit (a rank of a data-parallel job with a shared folder), through
    /// which the ranks gather LightGBM's bin sample (<see cref="RankSample"/>); null: this process computes it.</summary>
    private IPartialExchange? _exchange;
    private TrainingFeatures? _trainingFeatures;

    private ModelInputs(DaySplit split, FittedFeaturePipeline pipeline, SplitLabels labels, FeatureMatrix? validation, TrainingOptions options,
        PhaseTimer timer, bool stageTwo)
    {
        _stageTwo = stageTwo;
        _options = options;
        Split = split;
        Pipeline = pipeline;
        Labels = labels;
        Validation = validation;
        _binning = Partition.Configure(options.ParametersFor(ModelNames.EndToEnd));
        _block = !Partition.Distributed ? null
            : split.Ranks?.Block ?? throw new InvalidOperationException("a rank's split must place its training rows among every rank's (DaySplit.Ranks)");
        _timer = timer;
    }

    /// <summary>This process's share of the training rows (<see cref="TrainingOptions.Partition"/>): every row on one machine.</summary>
    private RankPartition Partition => _options.Partition ?? Single;

    private static readonly RankPartition Single = new(0, 1);

    public DaySplit Split { get; }

    public FittedFeaturePipeline Pipeline { get; }

    internal SplitLabels Labels { get; }

    /// <summary>The training rows' features when built with <c>retainTrainingMatrix</c>; null otherwise.</summary>
    internal FeatureMatrix? TrainingMatrix => _retained;

    /// <summary>The training rows' features to take in chunks (ensemble members stream them, as the bins were) when
    /// built with <c>keepTrainingFeatures</c>; null otherwise. Keeps the fit's inputs alive (0.5 GB at scale 1.0)
    /// until <see cref="ReleaseTrainingRows"/>.</summary>
    internal TrainingFeatures? TrainingFeatures => _trainingFeatures;

    /// <summary>The validation day's features, from the training days' fit; null without a validation day.</summary>
    public FeatureMatrix? Validation { get; }

    /// <summary>How the validation rows are weighted (<see cref="TrainingOptions.WeightValidationNewAds"/>); null when
    /// the option is off or there is no validation day.</summary>
    public NewAdWeighting? Weighting { get; private init; }

    /// <summary>One weight per validation row, set on the validation Datasets (stage 2's: its liked rows' weights) and
    /// used by the validation logloss; null: every row weighs alike (the option off, or the target share out of reach).</summary>
    internal double[]? ValidWeights { get; private init; }

    /// <summary>
    /// Fits the features on the training rows of <paramref name="split"/>, transforms its validation rows, reads
    /// the labels and bins the training matrix with <paramref name="options"/>' e2e parameters.
    /// </summary>
    /// <param name="test">Joins transductive group statistics only when the feature config asks for them.</param>
    /// <param name="retainTrainingMatrix">Keep the whole float matrix (<see cref="TrainingMatrix"/>): other max_bin values need it.</param>
    /// <param name="keepTrainingFeatures">Keep <see cref="TrainingFeatures"/>: ensemble members read the training rows from it.</param>
    /// <param name="stageTwo">Bin stage 2's liked rows too (every caller that trains the install model); without it
    /// <see cref="DataFor"/> refuses the install model.</param>
    /// <param name="kept">The features to fit and output (feature selection's list, <see cref="TrainingPlan.Kept"/>);
    /// null: the feature config's own <see cref="FeatureConfig.Keep"/>. The options are left as they are.</param>
    public static ModelInputs Build(Frame train, Frame? test, DaySplit split, TrainingOptions options, ILogger logger,
        PhaseTimer? timer = null, bool retainTrainingMatrix = false, bool keepTrainingFeatures = false, bool stageTwo = true, IReadOnlyList<string>? kept = null)
    {
        var inputs = Build(train, test, split, options, logger, timer, retainTrainingMatrix, StreamedBinning.ChunkValues, keepTrainingFeatures, stageTwo, kept);
        // The fit's inputs (every training row's keys and numbers) and the last chunk are garbage from here on;
        // collected here, where no frame of Build can still hold them, so training starts from the smallest heap.
        MemoryPolicy.PhaseEnded();
        return inputs;
    }

    /// <param name="chunkValues">Feature values per streamed chunk of training rows (tests make it small).</param>
    internal static ModelInputs Build(Frame train, Frame? test, DaySplit split, TrainingOptions options, ILogger logger,
        PhaseTimer? timer, bool retainTrainingMatrix, int chunkValues, bool keepTrainingFeatures = false, bool stageTwo = true, IReadOnlyList<string>? kept = null)
    {
        timer ??= new PhaseTimer();
        // Whatever earlier phases left (feature selection's probes: a matrix and datasets of their own) would
        // otherwise sit beside the largest structures built next.
        MemoryPolicy.PhaseEnded();
        var config = kept is null ? options.Features : options.Features with { Keep = kept };
        // A rank of a data-parallel job fits on its own training rows and exchanges the rest through the shared folder.
        var ranks = options is { Partition: { Distributed: true, Shards: { } shards }, FeaturePartials: { } partials } ? partials.Fit(split, shards, train.RowCount, config) : null;
        var features = timer.Time("features", () => new FeaturePipeline(config).FitForTraining(train, split.TrainRows, test, options.Parallel, ranks));
        var pipeline = features.Pipeline;
        var validation = split.HasValidation ? timer.Time("features", () => pipeline.Transform(train, split.ValidationRows, options.Parallel)) : null;
        var labels = timer.Time("labels", () => ranks is not null
            ? SplitLabels.ForRank(train, split, options.StageOneLabel, ranks.Exchange)
            : new SplitLabels(train, split, options.StageOneLabel));
        logger.LogInformation("{Features} features per row; {Liked:N0} liked training rows for stage 2", pipeline.FeatureNames.Count, labels.TrainLikedRows.Length);
        if (labels.TrainLikedRows.Length == 0)
        {
            throw new DataContentException("no liked training rows (clicked or installed): stage 2 (install given like) has nothing to learn from");
        }
        if (split.HasValidation && labels.ValidLikedRows.Length == 0)
        {
            throw new DataContentException($"no liked rows on validation day {split.ValidationDay}: stage 2 (install given like) can't be validated");
        }
        // Without a positive the models learn a constant 0, and calibration (ω = install rate ÷ mean prediction) on a
        // day without installs is 0: either way every probability written would be 0, an infinite logloss on the
        // first install. Refused, as the two cases above, instead of a model that looks trained.
        if (!labels.AnyTrainInstalled)
        {
            throw new DataContentException("no installed training rows (is_installed = 1): nothing to learn P(install) from");
        }
        if (split.HasValidation && !labels.ValidInstalled.Contains((byte)1))
        {
            throw new DataContentException($"no installs on validation day {split.ValidationDay}: calibration (ω = install rate ÷ mean prediction) would be 0 and every probability 0; choose another validation day");
        }
        var (weighting, weights) = options.WeightValidationNewAds && split.HasValidation ? NewAdWeighting.Of(train, test, split) : (null, null);
        if (weighting is not null) { logger.LogInformation("{Weighting}", weighting.Describe()); }
        var inputs = new ModelInputs(split, pipeline, labels, validation, options, timer, stageTwo)
        {
            _trainingFeatures = keepTrainingFeatures ? features : null, Weighting = weighting, ValidWeights = weights, _exchange = ranks?.Exchange,
        };
        try
        {
            if (inputs._block is not null && (retainTrainingMatrix || !features.Chunkable))
            {
                // Every rank must bin from the same sample of all rows; only the streamed path draws it that way.
                throw new ConfigurationException(retainTrainingMatrix
                    ? "distributed training bins each rank's rows streamed; a caller that keeps the whole training matrix (other max_bin values) can't run distributed"
                    : "distributed training needs features computed in chunks of rows, and this feature config has a feature that reads other rows of the same day (history's same-day share): leave it out to train on several machines");
            }
            if (retainTrainingMatrix || !features.Chunkable)
            {
                inputs.BinDefault(timer.Time("features", () => new MatrixBox(features.Transform())), retainTrainingMatrix);
            }
            else
            {
                inputs.BinStreamed(features, chunkValues);
            }
        }
        catch
        {
            inputs.Dispose();
            throw;
        }
        return inputs;
    }

    /// <summary>The binned training and validation rows of <paramref name="model"/>, labelled for it: every row for
    /// e2e, like and click, the liked rows for install (stage 2).</summary>
    /// <param name="maxBin">null: the binning parameters' max_bin.</param>
    public (Dataset Train, Dataset? Valid) DataFor(string model, int? maxBin = null)
    {
        var bins = BinsFor(maxBin);
        if (model == ModelNames.Install)
        {
            return (bins.LikedTrain ?? throw new InvalidOperationException("these model inputs were built without stage 2's liked rows"),
                bins.LikedValid);
        }
        var (train, valid) = Labels.For(model);
        bins.Train.SetLabel(_block is { } block ? train[(block.Start - Labels.TrainOffset)..(block.End - Labels.TrainOffset)] : train);
        bins.Valid?.SetLabel(valid);
        return (bins.Train, bins.Valid);
    }

    /// <summary>
    /// Trains one model through <see cref="ModelFitter"/> (with the options' rows per tree, <see cref="TrainingOptions.ForRows"/>):
    /// up to <paramref name="rounds"/> iterations, early-stopped after <paramref name="patience"/> rounds without a
    /// better validation logloss when there is a validation day. Returns the model with its validation logloss (stage
    /// 2: on the liked rows) and its predictions for every validation row.
    /// </summary>
    public (TrainedModel Model, double[]? Validation) Train(string model, LightGbmParameters parameters, int rounds, int patience,
        IEnumerable<ITrainingCallback> callbacks, CancellationToken ct, int? maxBin = null, bool recordCurve = false)
    {
        var (train, valid) = DataFor(model, maxBin);
        // Rows per tree from the rows of every rank, so each rank bags the same fraction of its own rows.
        var rows = model == ModelNames.Install ? Labels.TrainLikedRows.Length : Split.TotalTrainRows;
        var data = Validation is null ? new FitData(train)
            : model == ModelNames.Install ? new FitData(train, valid, Validation, Labels.ValidInstalled, Labels.ValidLikedRows, ValidWeights)
            : new FitData(train, valid, Validation, Bytes(Labels.For(model).Valid), ValidWeights: ValidWeights);
        return ModelFitter.Fit(model, Partition.Configure(_options.ForRows(parameters, rows)), data, rounds, patience, callbacks, recordCurve, _timer, ct);
    }

    /// <summary>Weights as LightGBM takes them (float32).</summary>
    internal static float[] Floats(double[] weights) => [.. weights.Select(w => (float)w)];

    internal static byte[] Bytes(float[] labels)
    {
        var bytes = new byte[labels.Length];
        for (var i = 0; i < bytes.Length; i++) { bytes[i] = (byte)labels[i]; }
        return bytes;
    }

    public void Dispose()
    {
        foreach (var bins in _bins.Values) { bins.Dispose(); }
        _bins.Clear();
        _retained = null;
        _trainingFeatures = null;
    }

    /// <summary>Bins the training rows streamed in chunks of <paramref name="chunkValues"/> values (see
    /// <see cref="StreamedBinning"/>): 2.5 GB less than the whole matrix at scale 1.0 with history features. Stage 2's
    /// liked rows are binned in the same pass as a Dataset of their own.</summary>
    private void BinStreamed(TrainingFeatures features, int chunkValues)
    {
        var exchange = _exchange;
        SampleTransform? sampled = exchange is null ? null
            : (positions, round) => RankSample.Gather(positions, Split.Ranks!, features.Transform, exchange, round);
        var (train, liked) = StreamedBinning.Build(features.Count, Pipeline.FeatureNames.Count, _binning, features.Transform, _timer,
            _stageTwo ? Labels.TrainLikedRows : null, chunkValues, _block, sampled);
        _bins[DefaultMaxBin] = WithValidation(train, liked);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void BinDefault(MatrixBox box, bool retain)
    {
        var matrix = box.Take();
        _bins[DefaultMaxBin] = Bin(matrix, _binning);
        if (retain)
        {
            _retained = matrix;
            return;
        }
        // The binned dataset holds all training needs from here on; drop the float matrix (2.4 GB at scale 1.0).
        // LightGBM allocates natively while it trains, so no managed allocation would trigger the collection.
        matrix = null;
        MemoryPolicy.PhaseEnded();
    }

    /// <summary>Drops a retained training matrix and the kept training features once nothing needs them any more
    /// (the ensemble members trained on them).</summary>
    internal void ReleaseTrainingRows()
    {
        if (_retained is null && _trainingFeatures is null) { return; }
        _retained = null;
        _trainingFeatures = null;
        MemoryPolicy.PhaseEnded();
    }

    /// <summary>LightGBM's default max_bin, used when the binning parameters leave it unset.</summary>
    private int DefaultMaxBin => _binning.MaxBin ?? 255;

    private Bins BinsFor(int? maxBin)
    {
        var key = maxBin ?? DefaultMaxBin;
        if (_bins.TryGetValue(key, out var bins))
        {
            return bins;
        }
        var matrix = _retained ?? throw new InvalidOperationException(
            $"max_bin {key} needs the training matrix, which was not kept after binning with max_bin {DefaultMaxBin} (build with retainTrainingMatrix)");
        return _bins[key] = Bin(matrix, _binning with { MaxBin = key });
    }

    /// <summary>The matrix binned, and stage 2's liked rows of it binned on their own (see <see cref="StreamedBinning"/>).</summary>
    private Bins Bin(FeatureMatrix matrix, LightGbmParameters parameters)
    {
        var train = FromMatrix(matrix, parameters);
        Dataset? liked = null;
        try
        {
            liked = _stageTwo ? FromMatrix(matrix.SelectRows(Labels.TrainLikedRows), parameters) : null;
        }
        catch
        {
            train.Dispose();
            throw;
        }
        return WithValidation(train, liked);
    }

    private Dataset FromMatrix(FeatureMatrix matrix, LightGbmParameters parameters) =>
        _timer.Time("lightgbm: dataset", () => Dataset.FromMatrix(matrix.Data, matrix.Rows, matrix.Columns, parameters, MatrixLayout.ColumnMajor));

    /// <summary>
    /// The training rows' bins named, with the validation day binned the same way; stage 2's liked training rows
    /// (binned on their own, with their own bins) labelled with their installs, and the validation day's liked rows
    /// binned on theirs. Owns <paramref name="train"/> and <paramref name="liked"/>.
    /// </summary>
    private Bins WithValidation(Dataset train, Dataset? liked)
    {
        var bins = new Bins(train, liked);
        try
        {
            train.SetFeatureNames(Pipeline.FeatureNames);
            bins.Valid = Validation is null ? null : CreateValidation(train, Validation);
            if (ValidWeights is not null) { bins.Valid?.SetWeight(Floats(ValidWeights)); }
            if (liked is not null)
            {
                liked.SetFeatureNames(Pipeline.FeatureNames);
                liked.SetLabel(SplitLabels.At(Labels.TrainInstalled, [.. LocalLikedRows().Select(p => p - Labels.TrainOffset)]));
                if (Validation is not null)
                {
                    bins.LikedValid = CreateValidation(liked, Validation.SelectRows(Labels.ValidLikedRows));
                    bins.LikedValid.SetLabel(SplitLabels.At(Labels.ValidInstalledFloats, Labels.ValidLikedRows));
                    if (ValidWeights is not null) { bins.LikedValid.SetWeight(Floats(SplitLabels.At(ValidWeights, Labels.ValidLikedRows))); }
                }
            }
            return bins;
        }
        catch
        {
            bins.Dispose();
            throw;
        }
    }

    /// <summary>The liked training rows this process binned: all of them, or those in its rank's block.</summary>
    private int[] LocalLikedRows()
    {
        var liked = Labels.TrainLikedRows;
        if (_block is not { } block) { return liked; }
        return [.. liked.Where(p => p >= block.Start && p < block.End)];
    }

    private Dataset CreateValidation(Dataset train, FeatureMatrix rows) =>
        _timer.Time("lightgbm: dataset", () => train.CreateValidation(rows.Data, rows.Rows, MatrixLayout.ColumnMajor));

    private sealed class Bins(Dataset train, Dataset? likedTrain) : IDisposable
    {
        public Dataset Train { get; } = train;
        public Dataset? Valid { get; set; }

        /// <summary>Stage 2's liked training rows, binned on their own; null when built without stage 2.</summary>
        public Dataset? LikedTrain { get; } = likedTrain;
        public Dataset? LikedValid { get; set; }

        public void Dispose()
        {
            LikedValid?.Dispose();
            LikedTrain?.Dispose();
            Valid?.Dispose();
            Train.Dispose();
        }
    }
}
