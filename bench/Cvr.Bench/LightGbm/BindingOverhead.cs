using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Cvr.LightGbm;
using Cvr.LightGbm.Native;
using Cvr.LightGbm.Training;

namespace Cvr.Bench.LightGbm;

/// <summary>
/// Measures what the binding adds on top of LightGBM: every workload runs once through the public API and once
/// as bare P/Invoke calls doing the same native work, in the order A B B A so drift on a shared machine hits both
/// sides equally; overhead = (API − raw) / raw over the summed times. Then single-row latency through the fast
/// path, per call, for a 500-tree, 31-leaf model.
/// </summary>
internal static class BindingOverhead
{
    internal static int Run(string[] args)
    {
        var quick = args.Contains("--quick");
        var rows = quick ? 100_000 : 1_000_000;
        const int Columns = 100;
        var iterations = quick ? 5 : 10;
        var parameters = BenchData.Parameters(numLeaves: 63);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# LightGBM binding overhead: {rows:N0} x {Columns}, {iterations} iterations, 63 leaves, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}"));
        var parameterString = parameters.ToParameterString();
        // Load the library, JIT both paths and fill the parameter catalog before anything is timed.
        Measure(BenchData.Create(5_000, Columns, seed: 2), parameters, parameterString, 2, report: false);
        Console.WriteLine("| workload | API (min of 3) | raw P/Invoke (min of 3) | overhead (min vs min) | overhead (median of pair ratios) |");
        Console.WriteLine("|---|---|---|---|---|");
        Measure(BenchData.Create(rows, Columns, seed: 3), parameters, parameterString, iterations, report: true);
        SingleRow(quick);
        return 0;
    }

    private static void Measure(BenchData data, LightGbmParameters parameters, string parameterString, int iterations, bool report)
    {
        var rows = data.Rows;
        Action<string, (double, double, double)> Report = report ? BindingOverhead.Report : (_, _) => { };

        var construct = Compare(
            () => { using var d = BuildApi(data, parameters); },
            () => { using var d = BuildRaw(data, parameterString); });
        Report("dataset construction", construct);

        using var train = BuildApi(data, parameters);
        var training = Compare(
            () => { using var b = Trainer.Train(parameters, train, iterations).Booster; },
            () => TrainRaw(train, parameterString, iterations).Dispose());
        Report($"training ({iterations} iterations)", training);

        using var model = Trainer.Train(parameters, train, iterations).Booster;
        var output = new double[rows];
        var prediction = Compare(
            () => model.Predict(data.Features, rows, output),
            () => PredictRaw(model, data, output));
        Report("batch prediction (normal)", prediction);
    }

    private static Dataset BuildApi(BenchData data, LightGbmParameters parameters)
    {
        var dataset = Dataset.FromMatrix(data.Features, data.Rows, data.Columns, parameters);
        dataset.SetLabel(data.Labels);
        return dataset;
    }

    private static unsafe DatasetHandle BuildRaw(BenchData data, string parameters)
    {
        DatasetHandle handle;
        fixed (float* x = data.Features)
        fixed (float* y = data.Labels)
        {
            NativeCheck.Check(NativeMethods.LGBM_DatasetCreateFromMat(x, 0, data.Rows, data.Columns, 1, parameters, DatasetHandle.None, out handle), "create");
            NativeCheck.Check(NativeMethods.LGBM_DatasetSetField(handle, "label", y, data.Rows, 0), "label");
        }
        return handle;
    }

    private static BoosterHandle TrainRaw(Dataset train, string parameters, int iterations)
    {
        NativeCheck.Check(NativeMethods.LGBM_BoosterCreate(train.Handle, parameters, out var booster), "create");
        for (var i = 0; i < iterations; i++)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterUpdateOneIter(booster, out _), "update");
        }
        return booster;
    }

    private static unsafe void PredictRaw(Booster model, BenchData data, double[] output)
    {
        fixed (float* x = data.Features)
        fixed (double* o = output)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterPredictForMat(model.Handle, x, 0, data.Rows, data.Columns, 1, 0, 0, -1, "", out _, o), "predict");
        }
    }

    private const int Rounds = 3;

    /// <summary>
    /// Runs <see cref="Rounds"/> pairs, alternating which side goes first; returns the fastest time of each
    /// side (the least disturbed by other load on a shared machine) and the median of the per-pair ratios.
    /// </summary>
    private static (double Api, double Raw, double MedianRatio) Compare(Action api, Action raw)
    {
        static double Time(Action action)
        {
            var clock = Stopwatch.StartNew();
            action();
            return clock.Elapsed.TotalSeconds;
        }
        var apiTimes = new double[Rounds];
        var rawTimes = new double[Rounds];
        for (var i = 0; i < Rounds; i++)
        {
            if (i % 2 == 0)
            {
                apiTimes[i] = Time(api);
                rawTimes[i] = Time(raw);
            }
            else
            {
                rawTimes[i] = Time(raw);
                apiTimes[i] = Time(api);
            }
        }
        var ratios = apiTimes.Zip(rawTimes, (a, r) => a / r).Order().ToArray();
        return (apiTimes.Min(), rawTimes.Min(), ratios[Rounds / 2]);
    }

    private static void Report(string name, (double Api, double Raw, double MedianRatio) times) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {times.Api:F3} s | {times.Raw:F3} s | {100 * (times.Api - times.Raw) / times.Raw:+0.00;-0.00} % | {100 * (times.MedianRatio - 1):+0.00;-0.00} % |"));

    private static void SingleRow(bool quick)
    {
        const int Columns = 100;
        const int Trees = 500;
        var rows = quick ? 20_000 : 100_000;
        var data = BenchData.Create(rows, Columns, seed: 5);
        var parameters = BenchData.Parameters(numLeaves: 31) with { MinDataInLeaf = 5 };
        using var train = BuildApi(data, parameters);
        using var booster = Trainer.Train(parameters, train, Trees).Booster;
        using var predictor = booster.CreateSingleRowPredictor();
        var calls = quick ? 20_000 : 200_000;
        var latencies = new double[calls];
        var sink = 0.0;
        for (var i = 0; i < 2_000; i++) sink += predictor.Predict(data.Features.AsSpan((i % rows) * Columns, Columns));
        for (var i = 0; i < calls; i++)
        {
            var row = data.Features.AsSpan((i % rows) * Columns, Columns);
            var start = Stopwatch.GetTimestamp();
            sink += predictor.Predict(row);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(calls - 1, (int)(q * calls))];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| single row, {booster.CurrentIteration} trees x 31 leaves, {calls:N0} calls | p50 {P(0.5):F1} µs | p90 {P(0.9):F1} µs | p99 {P(0.99):F1} µs | p99.9 {P(0.999):F1} µs | max {latencies[^1]:F1} µs |"));
        GC.KeepAlive(sink);
    }
}
