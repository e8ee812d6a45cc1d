namespace Cvr.LightGbm.Training;

/// <summary>
/// A hook into <see cref="Trainer.Train"/>, kept separate from the loop as in LightGBM's callback.py: the loop
/// only trains and evaluates; stopping, logging and reporting are callbacks.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Callbacks run in ascending order (stable for ties); stoppers run after reporters by default.</summary>
    int Order => 0;

    /// <summary>Runs once before the first iteration (validate configuration here).</summary>
    void BeforeTraining(TrainingContext context) { }

    /// <summary>Runs after every iteration, with that iteration's evaluation results.</summary>
    void AfterIteration(TrainingContext context);
}
