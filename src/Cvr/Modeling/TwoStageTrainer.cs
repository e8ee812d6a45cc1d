using System.Diagnostics;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>Owns a feature matrix until someone takes it (once); see <see cref="TwoStageTrainer.FitFeatures"/>.</summary>
internal sealed class MatrixBox(FeatureMatrix matrix)
{
    private FeatureMatrix? _matrix = matrix;

    public FeatureMatrix Take()
    {
        var taken = _matrix ?? throw new InvalidOperationException("the feature matrix was already taken");
        _matrix = null;
        return taken;
    }
}

/// <summary>Time spent in each phase, so the benchmark can tell LightGBM's own work from ours.</summary>
public sealed class PhaseTimer
{
    private readonly List<(string Phase, TimeSpan Elapsed)> _phases = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();

    public IReadOnlyList<(string Phase, TimeSpan Elapsed)> Phases { get { lock (_lock) { return [.. _phases]; } } }

    /// <summary>Gets a debug line after each phase with the process's resident memory, to find memory peaks.</summary>
    public ILogger? MemoryLog { get; init; }

    public T Time<T>(string phase, Func<T> work)
    {
        var start = _clock.Elapsed;
        var result = work();
        lock (_lock) { _phases.Add((phase, _clock.Elapsed - start)); }
        MemoryLog?.LogDebug("after {Phase}: resident {Resident:F2} GB, managed heap {Managed:F2} GB", phase,
            Environment.WorkingSet / 1e9, GC.GetTotalMemory(forceFullCollection: false) / 1e9);
        return result;
    }

    public void Time(string phase, Action work) => Time(phase, () => { work(); return 0; });
}

/// <summary>
/// The paper's Sections 4–5: features fitted on the training days; Model_e2e on is_installed; Model_ts = stage 1
/// (is_like over all rows) × stage 2 (is_installed over liked rows, on a subset of stage 1's binned data); each
/// early-stopped on the validation day's logloss, then calibrated there (ω), then blended 0.5/0.5.
/// </summary>
public sealed partial class TwoStageTrainer(TrainingOptions options, ILogger logger, PhaseTimer? timer = null, IProgress<ModelProgress>? progress = null)
{
    private const string ValidationName = "validation";
    private readonly PhaseTimer _timer = timer ?? new PhaseTimer();

    public TrainingOptions Options { get; } = options;


    /// <summary>Trains every model on <paramref name="train"/>; <paramref name="test"/> only joins transductive
    /// group statistics when the feature config asks for them.</summary>
    public TrainedSystem Train(Frame train, Frame? test, CancellationToken ct = default)
    {
        ValidateOptions();
        var split = DaySplit.Of(train, Options.ValidationDay);
        logger.LogInformation("training on days {First}..{Last} ({Rows:N0} rows), validating on day {Day} ({ValidRows:N0} rows)",
            split.FirstTrainDay, split.LastTrainDay, split.TrainRows.Length, split.ValidationDay, split.ValidationRows.Length);
        var pipeline = new FeaturePipeline(Options.Features);
        var (fitted, trainMatrix) = _timer.Time("features", () => FitFeatures(pipeline, train, split.TrainRows, test));
        var validMatrix = _timer.Time("features", () => fitted.Transform(train, split.ValidationRows));
        logger.LogInformation("{Features} features per row", fitted.FeatureNames.Count);
        var labels = _timer.Time("labels", () => new SplitLabels(train, split, Options.StageOneLabel));

        var models = new Dictionary<string, TrainedModel>(StringComparer.Ordinal);
        var validationScores = TrainPaperModels(fitted.FeatureNames, trainMatrix, validMatrix, labels, models, fixedIterations: null, ct);

        if (Options.Baseline)
        {
            models[ModelNames.Baseline] = TrainBaseline(train, split, labels, ct);
        }
        var omegaTs = Calibration.Omega(labels.ValidInstalled, validationScores.Ts);
        var omegaE2e = Calibration.Omega(labels.ValidInstalled, validationScores.E2e);
        var tsCal = Calibration.Apply(validationScores.Ts, omegaTs);
        var e2eCal = Calibration.Apply(validationScores.E2e, omegaE2e);
        var weight = Options.FitEnsembleWeight ? Ensemble.FitWeight(labels.ValidInstalled, tsCal, e2eCal) : 0.5;
        logger.LogInformation("calibration: ω_ts {OmegaTs:F4}, ω_e2e {OmegaE2e:F4}; ensemble weight of Model_ts {Weight:F2}", omegaTs, omegaE2e, weight);

        var system = new TrainedSystem(Options, fitted, models, omegaTs, omegaE2e, weight, split, train.Schema);
        var scores = _timer.Time("scoring", () => system.Score(train, split.ValidationRows, validMatrix));
        system.ValidationMetrics = scores.Evaluate(split.ValidationDay, labels.ValidInstalled, null);
        if (!Options.Refit)
        {
            return system;
        }
        // The validation metrics, ω and weight stay those of the validated models: after a refit on every
        // labelled day there is no held-out day left to measure them on.
        var (refitPipeline, refitModels) = Refit(train, test, models, ct);
        return new TrainedSystem(Options, refitPipeline, refitModels, omegaTs, omegaE2e, weight, split, train.Schema)
        {
            ValidationMetrics = system.ValidationMetrics,
        };
    }

    private void ValidateOptions()
    {
        foreach (var key in Options.Parameters.Keys)
        {
            if (key != "all" && !ModelNames.Trainable.Contains(key))
            {
                throw new ArgumentException($"LightGBM parameters given for unknown model '{key}' (expected all, {string.Join(", ", ModelNames.Trainable)})");
            }
        }
        foreach (var model in ModelNames.Trainable)
        {
            // Renders (and so checks) every parameter set before hours of training start.
            Options.ParametersFor(model).ToParameterString();
        }
    }

    /// <summary>
    /// Trains e2e, like, (click) and install on shared bins; returns the uncalibrated validation predictions.
    /// With <paramref name="fixedIterations"/> (refit) there is no validation data and no early stopping.
    /// </summary>
    private (double[] Ts, double[] E2e) TrainPaperModels(
        IReadOnlyList<string> names, MatrixBox trainMatrix, FeatureMatrix? validMatrix, SplitLabels labels,
        Dictionary<string, TrainedModel> models, IReadOnlyDictionary<string, int>? fixedIterations, CancellationToken ct)
    {
        var parameters = Options.ParametersFor(ModelNames.EndToEnd);
        var matrix = trainMatrix.Take();
        using var trainSet = _timer.Time("lightgbm: dataset", () => Dataset.FromMatrix(matrix.Data, matrix.Rows, matrix.Columns, parameters, MatrixLayout.ColumnMajor));
        trainSet.SetFeatureNames(names);
        using var validSet = validMatrix is null ? null
            : _timer.Time("lightgbm: dataset", () => trainSet.CreateValidation(validMatrix.Data, validMatrix.Rows, MatrixLayout.ColumnMajor));
        // The binned dataset holds all training needs from here on; drop the float matrix (2.4 GB at scale 1.0).
        matrix = null;
        ReleaseMatrices();

        models[ModelNames.EndToEnd] = Fit(ModelNames.EndToEnd, trainSet, labels.TrainInstalled, validSet, labels.ValidInstalledFloats, fixedIterations, ct);
        models[ModelNames.Like] = Fit(ModelNames.Like, trainSet, labels.TrainStageOne, validSet, labels.ValidStageOne, fixedIterations, ct);
        if (Options.ClickModel)
        {
            models[ModelNames.Click] = Fit(ModelNames.Click, trainSet, labels.TrainClicked, validSet, labels.ValidClicked, fixedIterations, ct);
        }
        // Stage 2 learns install given like, on the liked rows' subset of the same bins.
        trainSet.SetLabel(labels.TrainInstalled);
        using var likedTrain = _timer.Time("lightgbm: dataset", () => trainSet.Subset(labels.TrainLikedRows, Options.ParametersFor(ModelNames.Install)));
        Dataset? likedValid = null;
        if (validSet is not null)
        {
            validSet.SetLabel(labels.ValidInstalledFloats);
            likedValid = _timer.Time("lightgbm: dataset", () => validSet.Subset(labels.ValidLikedRows, Options.ParametersFor(ModelNames.Install)));
        }
        using (likedValid)
        {
            models[ModelNames.Install] = Fit(ModelNames.Install, likedTrain, null, likedValid, null, fixedIterations, ct);
        }
        if (validMatrix is null)
        {
            return ([], []);
        }
        var like = Predict(models[ModelNames.Like], validMatrix);
        var install = Predict(models[ModelNames.Install], validMatrix);
        var ts = new double[like.Length];
        for (var i = 0; i < ts.Length; i++) { ts[i] = like[i] * install[i]; }
        return (ts, Predict(models[ModelNames.EndToEnd], validMatrix));
    }

    /// <summary>
    /// Fits the features and hands the training matrix over in a box, so that no stack slot of the caller keeps
    /// the 2.4 GB (at scale 1.0) array alive once it has been binned: the JIT may report a dead tuple local as live
    /// for a whole method, which kept it resident through every model.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal static (FittedFeaturePipeline Pipeline, MatrixBox Matrix) FitFeatures(FeaturePipeline pipeline, Frame train, int[] rows, Frame? test)
    {
        var (fitted, matrix) = pipeline.FitTransform(train, rows, test);
        return (fitted, new MatrixBox(matrix));
    }

    /// <summary>
    /// Collects dropped feature matrices now. LightGBM allocates natively while it trains, so no managed allocation
    /// would trigger the collection, and gigabytes of dead floats would stay resident through every model.
    /// </summary>
    private static void ReleaseMatrices() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);

    private double[] Predict(TrainedModel model, FeatureMatrix matrix)
        => _timer.Time("lightgbm: predict", () => model.Booster.Predict(matrix.Data, matrix.Rows, layout: MatrixLayout.ColumnMajor, threads: Options.Threads ?? 0));
}
