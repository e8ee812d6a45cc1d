using System.Diagnostics;
using Cvr.LightGbm;
using Cvr.LightGbm.Native;
using Cvr.LightGbm.Training;

namespace Cvr.Bench.LightGbm;

/// <summary>
/// The binding's own cost per call, measured where LightGBM's work is tiny (1,000 rows, one thread), so the
/// difference between API and bare P/Invoke is not buried in OpenMP noise. Multiplied by the calls a large
/// workload makes, it bounds the binding's share of that workload independently of machine load.
/// </summary>
internal static class PerCallCost
{
    private const int Rounds = 5;

    /// <summary>Extra seconds per training iteration of <see cref="Trainer.Train"/> over a bare update loop.</summary>
    internal static double TrainingIteration(int iterations)
    {
        var data = BenchData.Create(1_000, 10, seed: 9);
        var parameters = BenchData.Parameters(numLeaves: 7) with { NumThreads = 1 };
        var parameterString = parameters.ToParameterString();
        using var train = Dataset.FromMatrix(data.Features, data.Rows, data.Columns, parameters);
        train.SetLabel(data.Labels);
        var differences = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var api = Time(() => Trainer.Train(parameters, train, iterations).Booster.Dispose());
            var raw = Time(() =>
            {
                NativeCheck.Check(NativeMethods.LGBM_BoosterCreate(train.Handle, parameterString, out var booster), "create");
                using (booster)
                {
                    for (var i = 0; i < iterations; i++)
                    {
                        NativeCheck.Check(NativeMethods.LGBM_BoosterUpdateOneIter(booster, out _), "update");
                    }
                }
            });
            differences.Add((api - raw) / iterations);
        }
        differences.Sort();
        return differences[Rounds / 2];
    }

    /// <summary>Extra seconds per <see cref="Booster.Predict(ReadOnlySpan{float}, int, Span{double}, PredictionKind, int, int?, MatrixLayout, int)"/> call over a bare one.</summary>
    internal static unsafe double PredictionCall(int calls)
    {
        var data = BenchData.Create(1_000, 10, seed: 9);
        var parameters = BenchData.Parameters(numLeaves: 7) with { NumThreads = 1 };
        using var train = Dataset.FromMatrix(data.Features, data.Rows, data.Columns, parameters);
        train.SetLabel(data.Labels);
        using var booster = Trainer.Train(parameters, train, 10).Booster;
        var row = data.Features.AsSpan(0, data.Columns).ToArray();
        var output = new double[1];
        var differences = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var api = Time(() =>
            {
                for (var i = 0; i < calls; i++) booster.Predict(row, 1, output, threads: 1);
            });
            var raw = Time(() =>
            {
                fixed (float* x = row)
                fixed (double* o = output)
                {
                    for (var i = 0; i < calls; i++)
                    {
                        NativeCheck.Check(NativeMethods.LGBM_BoosterPredictForMat(
                            booster.Handle, x, 0, 1, data.Columns, 1, 0, 0, 10, "num_threads=1", out _, o), "predict");
                    }
                }
            });
            differences.Add((api - raw) / calls);
        }
        differences.Sort();
        return differences[Rounds / 2];
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
