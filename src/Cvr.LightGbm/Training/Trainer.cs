namespace Cvr.LightGbm.Training;

/// <summary>One iteration's evaluation results.</summary>
public sealed record IterationEvaluation(int Iteration, IReadOnlyList<EvaluationResult> Results);

/// <summary>The outcome of <see cref="Trainer.Train"/>. The booster keeps every trained iteration; its
/// <see cref="Booster.BestIteration"/> is set, so predictions and saves default to the best one.</summary>
public sealed record TrainingResult(
    Booster Booster, int BestIteration, int IterationsRun, IReadOnlyList<IterationEvaluation> History, string StopReason);

/// <summary>The boosting loop: train, evaluate, run callbacks, until the planned count or a callback stops it.</summary>
public static class Trainer
{
    public const string CompletedReason = "completed the planned iterations";
    public const string NoSplitReason = "no further split was possible";

    /// <param name="validations">Named validation sets, built with <paramref name="train"/> as reference.</param>
    /// <param name="evaluateTraining">Also evaluate the metrics on the training data each iteration.</param>
    public static TrainingResult Train(
        LightGbmParameters parameters, Dataset train, int iterationCount,
        IEnumerable<(string Name, Dataset Data)>? validations = null,
        IEnumerable<ITrainingCallback>? callbacks = null,
        bool evaluateTraining = false,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterationCount);
        var booster = Booster.Create(train, parameters);
        try
        {
            foreach (var (name, data) in validations ?? [])
            {
                booster.AddValidation(data, name);
            }
            return Run(booster, iterationCount, [.. (callbacks ?? []).OrderBy(c => c.Order)], evaluateTraining, cancellationToken);
        }
        catch
        {
            booster.Dispose();
            throw;
        }
    }

    private static TrainingResult Run(
        Booster booster, int iterationCount, IReadOnlyList<ITrainingCallback> callbacks, bool evaluateTraining, CancellationToken cancellationToken)
    {
        var context = new TrainingContext(booster, iterationCount);
        var history = new List<IterationEvaluation>();
        var evaluate = evaluateTraining || booster.DataNames.Count > 1;
        foreach (var callback in callbacks)
        {
            callback.BeforeTraining(context);
        }
        var reason = CompletedReason;
        for (var iteration = 1; iteration <= iterationCount; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (booster.UpdateOneIteration())
            {
                // LightGBM adds no tree when nothing can be split; the model is complete.
                reason = NoSplitReason;
                break;
            }
            context.Iteration = iteration;
            context.Evaluations = evaluate ? booster.EvaluateAll(evaluateTraining) : [];
            if (evaluate)
            {
                history.Add(new IterationEvaluation(iteration, context.Evaluations));
            }
            foreach (var callback in callbacks)
            {
                callback.AfterIteration(context);
            }
            if (context.StopReason is { } stop)
            {
                reason = stop;
                break;
            }
        }
        var best = context.BestIteration ?? context.Iteration;
        booster.BestIteration = best;
        return new TrainingResult(booster, best, context.Iteration, history, reason);
    }
}
