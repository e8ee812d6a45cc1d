using System.Text.Json.Serialization;

namespace Cvr.LightGbm.Training;

/// <summary>
/// Logloss per iteration on the training data and the first validation set: iteration <c>Iterations[k]</c> had
/// <c>Training[k]</c> (null where it was not measured) and <c>Validation[k]</c> (null without a validation set).
/// </summary>
public sealed record LearningCurve(
    [property: JsonPropertyName("iterations")] IReadOnlyList<int> Iterations,
    [property: JsonPropertyName("training")] IReadOnlyList<double?> Training,
    [property: JsonPropertyName("validation")] IReadOnlyList<double?> Validation)
{
    /// <summary>Equal when every value is (a record compares its lists by reference).</summary>
    public bool Equals(LearningCurve? other)
        => other is not null && Iterations.SequenceEqual(other.Iterations) && Training.SequenceEqual(other.Training) && Validation.SequenceEqual(other.Validation);

    public override int GetHashCode() => HashCode.Combine(Iterations.Count, Iterations.Count == 0 ? 0 : Iterations[^1], Validation.Count == 0 ? null : Validation[^1]);
}

/// <summary>
/// Records a binary model's <see cref="LearningCurve"/> from the scores LightGBM keeps for its own datasets
/// (<see cref="Booster.CurrentOutputs"/>), with the logloss summed here in row order: the same bits at any thread
/// count, where LightGBM's own metric sums in parallel. The validation set is measured every iteration; the
/// training data every <see cref="TrainingPeriod"/> iterations (and the last), which bounds the cost on large data.
/// Other objectives are not recorded (<see cref="Curve"/> stays null).
/// </summary>
public sealed class LearningCurveRecorder : ITrainingCallback
{
    /// <summary>Predictions are clipped to [ε, 1−ε] (as LightGBM's binary_logloss does).</summary>
    private const double Epsilon = 1e-15;

    private readonly List<int> _iterations = [];
    private readonly List<double?> _training = [];
    private readonly List<double?> _validation = [];
    private float[]? _trainLabels;
    private float[]? _validLabels;
    private double[]? _trainOutputs;
    private double[]? _validOutputs;

    /// <param name="trainLabels">The training data's labels (0 or 1).</param>
    /// <param name="validLabels">The first validation set's labels, or null without one.</param>
    /// <param name="trainingPeriod">Measure the training logloss every this many iterations.</param>
    public LearningCurveRecorder(float[] trainLabels, float[]? validLabels, int trainingPeriod = 1)
    {
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainingPeriod);
        _trainLabels = trainLabels;
        _validLabels = validLabels;
        TrainingPeriod = trainingPeriod;
    }

    public int TrainingPeriod { get; }

    /// <summary>The period that keeps the training measurements to about <paramref name="valuesPerIteration"/> rows
    /// per iteration on average: every iteration up to that many rows. Each measured row costs ~20 ns (LightGBM's
    /// sigmoid and our log), so at 340k rows every iteration cost 7 % of a scale-0.1 run; this keeps it under 1 %.</summary>
    public static int PeriodFor(int trainingRows, int valuesPerIteration = 50_000)
        => Math.Max(1, (trainingRows + valuesPerIteration - 1) / valuesPerIteration);

    /// <summary>After early stopping (30), so the iteration training stops on is known to be the last.</summary>
    public int Order => 35;

    /// <summary>The curve so far; null when the booster's objective is not binary.</summary>
    public LearningCurve? Curve => _trainLabels is null ? null : new LearningCurve([.. _iterations], [.. _training], [.. _validation]);

    public void BeforeTraining(TrainingContext context)
    {
        if (BinaryLink.Of(context.Booster) is null)
        {
            _trainLabels = null; // probabilities are needed for a logloss
        }
    }

    public void AfterIteration(TrainingContext context)
    {
        if (_trainLabels is null) { return; }
        var booster = context.Booster;
        var measureTraining = context.Iteration % TrainingPeriod == 0 || context.Iteration == 1 || context.StopRequested
            || context.Iteration == context.IterationCount;
        _iterations.Add(context.Iteration);
        _training.Add(measureTraining ? LogLoss(_trainLabels, booster, 0, ref _trainOutputs) : null);
        _validation.Add(_validLabels is not null && booster.DataNames.Count > 1 ? LogLoss(_validLabels, booster, 1, ref _validOutputs) : null);
    }

    /// <summary>The logloss of one dataset's current outputs, read into a buffer kept between iterations (a new
    /// array per iteration would be a large-object allocation each time).</summary>
    private static double LogLoss(float[] labels, Booster booster, int dataIndex, ref double[]? buffer)
    {
        buffer ??= new double[booster.CurrentOutputCount(dataIndex)];
        booster.CurrentOutputs(dataIndex, buffer);
        return LogLoss(labels, buffer);
    }

    private static double LogLoss(float[] labels, double[] probabilities)
    {
        if (labels.Length != probabilities.Length)
        {
            throw new InvalidOperationException($"{labels.Length} labels for {probabilities.Length} outputs: the recorder was given another dataset's labels");
        }
        var sum = 0.0;
        for (var i = 0; i < labels.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] > 0 ? Math.Log(p) : Math.Log(1 - p);
        }
        return sum / labels.Length;
    }
}
