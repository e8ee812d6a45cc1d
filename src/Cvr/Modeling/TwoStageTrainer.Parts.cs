using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>Which rows train and which validate: the validation day against every earlier labelled day.</summary>
public sealed record DaySplit(int ValidationDay, int FirstTrainDay, int LastTrainDay, int[] TrainRows, int[] ValidationRows)
{
    public static DaySplit Of(Frame train, int? validationDay)
    {
        var days = train.Days;
        var day = validationDay ?? days.Max();
        var trainRows = new List<int>();
        var validRows = new List<int>();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] < day) { trainRows.Add(i); }
            else if (days[i] == day) { validRows.Add(i); }
        }
        if (validRows.Count == 0)
        {
            throw new ArgumentException($"no training rows on validation day {day} (the labelled days are {days.Min()}..{days.Max()})");
        }
        if (trainRows.Count == 0)
        {
            throw new ArgumentException($"no labelled rows before validation day {day}: nothing to train on");
        }
        var first = days.Where(d => d < day).Min();
        var last = days.Where(d => d < day).Max();
        return new DaySplit(day, first, last, [.. trainRows], [.. validRows]);
    }
}

/// <summary>The labels every model needs, for the training and the validation rows.</summary>
internal sealed class SplitLabels
{
    public SplitLabels(Frame frame, DaySplit split, StageOneLabel stageOne)
    {
        var installed = frame.Label(Schema.InstallLabel).Values;
        var clicked = frame.Label(Schema.ClickLabel).Values;
        TrainInstalled = Floats(installed, split.TrainRows);
        TrainClicked = Floats(clicked, split.TrainRows);
        ValidInstalled = FeaturePipeline.Select(installed, split.ValidationRows);
        var like = Targets.Values(frame, Targets.Like);
        var stageOneValues = stageOne == StageOneLabel.Like ? like : installed;
        TrainStageOne = Floats(stageOneValues, split.TrainRows);
        ValidStageOne = Floats(stageOneValues, split.ValidationRows);
        ValidClicked = Floats(clicked, split.ValidationRows);
        ValidInstalledFloats = Floats(installed, split.ValidationRows);
        TrainLikedRows = Positions(like, split.TrainRows);
        ValidLikedRows = Positions(like, split.ValidationRows);
    }

    public float[] TrainInstalled { get; }
    public float[] TrainClicked { get; }
    public float[] TrainStageOne { get; }
    public byte[] ValidInstalled { get; }
    public float[] ValidInstalledFloats { get; }
    public float[] ValidStageOne { get; }
    public float[] ValidClicked { get; }

    /// <summary>Positions (within the training rows) of the liked rows: stage 2's subset, strictly increasing.</summary>
    public int[] TrainLikedRows { get; }
    public int[] ValidLikedRows { get; }

    private static float[] Floats(byte[] values, int[] rows)
    {
        var result = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++) { result[i] = values[rows[i]]; }
        return result;
    }

    private static int[] Positions(byte[] like, int[] rows)
    {
        var result = new List<int>();
        for (var i = 0; i < rows.Length; i++)
        {
            if (like[rows[i]] == 1) { result.Add(i); }
        }
        return [.. result];
    }
}

/// <summary>The baseline's input: every raw column as it was read (categoricals as numbers, missing as NaN).</summary>
public static class RawMatrix
{
    public static IReadOnlyList<string> Columns(Schema schema)
        => schema.Columns.Where(c => c.Kind is not (ColumnKind.Label or ColumnKind.RowId)).Select(c => c.Name).ToArray();

    public static FeatureMatrix Build(Frame frame, IReadOnlyList<string> columns, int[]? rows)
    {
        var matrix = new FeatureMatrix(columns, rows?.Length ?? frame.RowCount);
        Parallel.For(0, columns.Count, j =>
        {
            // Resolve the column once, not per row: this runs over every cell of the training rows.
            var output = matrix.Column(j);
            var name = columns[j];
            if (name == Schema.DayColumn)
            {
                for (var i = 0; i < output.Length; i++) { output[i] = frame.Days[rows is null ? i : rows[i]]; }
            }
            else if (frame.TryGetCategorical(name, out var categorical))
            {
                var codes = categorical.Codes;
                var levels = categorical.Levels;
                for (var i = 0; i < output.Length; i++)
                {
                    var code = codes[rows is null ? i : rows[i]];
                    output[i] = code == CategoricalColumn.Missing ? float.NaN : levels[code];
                }
            }
            else
            {
                var values = frame.Numeric(name).Values;
                for (var i = 0; i < output.Length; i++) { output[i] = values[rows is null ? i : rows[i]]; }
            }
        });
        return matrix;
    }
}

public sealed partial class TwoStageTrainer
{
    private TrainedModel Fit(
        string name, Dataset data, float[]? labels, Dataset? valid, float[]? validLabels,
        IReadOnlyDictionary<string, int>? fixedIterations, CancellationToken ct)
    {
        if (labels is not null) { data.SetLabel(labels); }
        if (valid is not null && validLabels is not null) { valid.SetLabel(validLabels); }
        var parameters = Options.ParametersFor(name);
        var callbacks = new List<ITrainingCallback> { new EvaluationLogger(new PrefixLogger(logger, name), period: 100) };
        if (progress is not null)
        {
            callbacks.Add(new ProgressReporter(new Inline<TrainingProgress>(p => progress.Report(new ModelProgress(name, p)))));
        }
        if (valid is not null)
        {
            callbacks.Add(new EarlyStopping(Options.Patience, metric: "binary_logloss", dataName: ValidationName));
        }
        var rounds = fixedIterations is not null && fixedIterations.TryGetValue(name, out var fixedCount) ? fixedCount : Options.Rounds;
        logger.LogInformation("training {Model}: {Rows:N0} rows, up to {Rounds} rounds", name, data.RowCount, rounds);
        var result = _timer.Time("lightgbm: train", () => Trainer.Train(parameters, data, rounds,
            valid is null ? null : [(ValidationName, valid)], callbacks, cancellationToken: ct));
        var best = valid is null ? result.IterationsRun : result.BestIteration;
        result.Booster.BestIteration = best;
        logger.LogInformation("{Model}: best iteration {Best} of {Run} ({Reason})", name, best, result.IterationsRun, result.StopReason);
        return new TrainedModel(name, result.Booster, best, result.IterationsRun, result.StopReason, 1);
    }

    private TrainedModel TrainBaseline(Frame train, DaySplit split, SplitLabels labels, CancellationToken ct)
    {
        var columns = RawMatrix.Columns(train.Schema);
        var trainMatrix = _timer.Time("features", () => RawMatrix.Build(train, columns, split.TrainRows));
        var validMatrix = _timer.Time("features", () => RawMatrix.Build(train, columns, split.ValidationRows));
        var parameters = Options.ParametersFor(ModelNames.Baseline);
        using var trainSet = _timer.Time("lightgbm: dataset", () => Dataset.FromMatrix(trainMatrix.Data, trainMatrix.Rows, trainMatrix.Columns, parameters, MatrixLayout.ColumnMajor));
        trainSet.SetFeatureNames(columns);
        using var validSet = _timer.Time("lightgbm: dataset", () => trainSet.CreateValidation(validMatrix.Data, validMatrix.Rows, MatrixLayout.ColumnMajor));
        trainMatrix = null;
        ReleaseMatrices();
        return Fit(ModelNames.Baseline, trainSet, labels.TrainInstalled, validSet, labels.ValidInstalledFloats, null, ct);
    }

    /// <summary>Retrains features and models on every labelled day with the iteration counts found above.</summary>
    private (FittedFeaturePipeline, Dictionary<string, TrainedModel>) Refit(Frame train, Frame? test, Dictionary<string, TrainedModel> chosen, CancellationToken ct)
    {
        var all = Enumerable.Range(0, train.RowCount).ToArray();
        var everyDay = new DaySplit(int.MaxValue, train.Days.Min(), train.Days.Max(), all, []);
        logger.LogInformation("refitting on all {Rows:N0} labelled rows with the chosen iteration counts", all.Length);
        var (fitted, matrix) = _timer.Time("features", () => FitFeatures(new FeaturePipeline(Options.Features), train, all, test));
        var labels = _timer.Time("labels", () => new SplitLabels(train, everyDay, Options.StageOneLabel));
        var iterations = chosen.ToDictionary(kv => kv.Key, kv => Math.Max(1, kv.Value.BestIteration));
        var models = new Dictionary<string, TrainedModel>(StringComparer.Ordinal);
        TrainPaperModels(fitted.FeatureNames, matrix, null, labels, models, iterations, ct);
        if (chosen.TryGetValue(ModelNames.Baseline, out var baseline))
        {
            models[ModelNames.Baseline] = baseline; // the baseline stays as validated, for an honest comparison
        }
        foreach (var old in chosen.Values.Where(m => m.Name != ModelNames.Baseline)) { old.Booster.Dispose(); }
        return (fitted, models);
    }
}

/// <summary>Where one model's training stands, for a live display.</summary>
public sealed record ModelProgress(string Model, TrainingProgress Progress);

/// <summary>Reports on the calling thread (<see cref="Progress{T}"/> would post to the thread pool, out of order).</summary>
internal sealed class Inline<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>Prefixes log lines with the model's name, so interleaved training logs stay readable.</summary>
internal sealed class PrefixLogger(ILogger inner, string prefix) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        => inner.Log(logLevel, eventId, state, exception, (s, e) => $"{prefix} {formatter(s, e)}");
}
