using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class LearningCurveRecorderTests
{
    [LightGbmFact]
    public void Recorder_ValidationCurve_IsLightGbmsOwnLogloss_AndTheTrainingCurveFalls()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        var recorder = new LearningCurveRecorder(train.GetLabel(), valid.GetLabel());
        var result = Trainer.Train(TestData.Binary, train, 15, [("valid", valid)], [recorder]);
        using var booster = result.Booster;
        var curve = recorder.Curve!;
        Assert.Equal(Enumerable.Range(1, 15), curve.Iterations);
        for (var k = 0; k < 15; k++)
        {
            // The same metric as LightGBM's binary_logloss, summed in another order: equal to rounding.
            var lightGbm = result.History[k].Results.Single(r => r.MetricName == "binary_logloss").Value;
            Assert.Equal(lightGbm, curve.Validation[k]!.Value, 1e-12);
            Assert.NotNull(curve.Training[k]);
        }
        Assert.True(curve.Training[^1] < curve.Training[0] - 0.05, $"training logloss {curve.Training[0]} → {curve.Training[^1]}");
    }

    [LightGbmFact]
    public void Recorder_WithAPeriod_MeasuresTrainingEveryPeriodAndOnTheLastIteration()
    {
        using var train = TrainingData.Train.ToDataset();
        var recorder = new LearningCurveRecorder(train.GetLabel(), null, trainingPeriod: 4);
        using var booster = Trainer.Train(TestData.Binary, train, 10, callbacks: [recorder]).Booster;
        var measured = recorder.Curve!.Iterations.Where((_, k) => recorder.Curve.Training[k] is not null);
        Assert.Equal([1, 4, 8, 10], measured);
        Assert.All(recorder.Curve.Validation, v => Assert.Null(v));
    }

    [LightGbmFact]
    public void Recorder_OneAndTwoThreads_RecordTheSameBits()
    {
        double?[] Curve(int threads)
        {
            using var train = TrainingData.Train.ToDataset();
            using var valid = TrainingData.Validation(train);
            var recorder = new LearningCurveRecorder(train.GetLabel(), valid.GetLabel());
            using var booster = Trainer.Train(TestData.Binary with { NumThreads = threads }, train, 8, [("valid", valid)], [recorder]).Booster;
            return [.. recorder.Curve!.Training, .. recorder.Curve.Validation];
        }
        Assert.Equal(Curve(1), Curve(2));
    }

    [LightGbmFact]
    public void Recorder_RegressionObjective_RecordsNothing()
    {
        using var train = TrainingData.Train.ToDataset();
        var recorder = new LearningCurveRecorder(train.GetLabel(), null);
        using var booster = Trainer.Train(TestData.Binary with { Objective = "regression", Metrics = ["l2"] }, train, 3, callbacks: [recorder]).Booster;
        Assert.Null(recorder.Curve);
    }

    [LightGbmFact]
    public void CurrentOutputs_AfterTraining_AreThePredictionsOfTheTrainingRows()
    {
        using var train = TrainingData.Train.ToDataset();
        using var booster = Trainer.Train(TestData.Binary, train, 5).Booster;
        var outputs = booster.CurrentOutputs(0);
        var predicted = booster.Predict(TrainingData.Train.Features, TrainingData.Train.Rows);
        Assert.Equal(predicted.Length, outputs.Length);
        for (var i = 0; i < outputs.Length; i++) { Assert.Equal(predicted[i], outputs[i], 1e-12); }
    }
}
