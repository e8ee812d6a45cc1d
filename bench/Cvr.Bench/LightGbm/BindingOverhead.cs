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
            $"# LightGBM binding overhead: {rows:N0} x {Columns}, {iterations} iterations, 63 leaves, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, load average {LoadAverage()}"));
        var parameterString = parameters.ToParameterString();
        if (args.Contains("--single-row"))
        {
            SingleRow(quick);
            return 0;
        }
        // Load the library, JIT both paths and fill the parameter catalog before anything is timed.
        Measure(BenchData.Create(5_000, Columns, seed: 2), parameters, parameterString, 2, report: false);
        Console.WriteLine("| workload | API (mean of 3) | raw P/Invoke (mean of 3) | overhead (means) | overhead (median of 3 round ratios) |");
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
        var training = TrainLockstep(train, parameters, parameterString, iterations);
        Report($"training ({iterations} iterations)", training);

        using var model = Trainer.Train(parameters, train, iterations).Booster;
        var prediction = PredictLockstep(model, data);
        Report("batch prediction (normal)", prediction);
        if (!report)
        {
            return;
        }
        // Noise-free bound: the binding's measured cost per call times the calls each workload makes.
        var perIteration = PerCallCost.TrainingIteration(500);
        var perPredict = PerCallCost.PredictionCall(20_000);
        var rawIteration = training.Raw / iterations;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Binding cost per call (1,000-row data, 1 thread, median of 5 rounds): training iteration {perIteration * 1e6:F2} µs " +
            $"= {100 * perIteration / rawIteration:G3} % of a {rawIteration:F3} s native iteration at {rows:N0} rows; " +
            $"prediction call {perPredict * 1e6:F2} µs = {100 * perPredict / prediction.Raw:G3} % of a {prediction.Raw:F3} s native {rows:N0}-row prediction."));
    }

    /// <summary>
    /// Trains two boosters on the same dataset in lockstep, so load from other processes (which makes OpenMP
    /// times swing by several times on this shared 2-core machine) hits both sides alike: the API side is
    /// <see cref="Trainer.Train"/>, and a callback runs one bare <c>LGBM_BoosterUpdateOneIter</c> on a second
    /// booster after each API iteration. API time = the trainer's wall time minus the time spent in that callback.
    /// </summary>
    private static (double Api, double Raw, double MedianRatio) TrainLockstep(
        Dataset train, LightGbmParameters parameters, string parameterString, int iterations)
    {
        var apiTotal = 0.0;
        var rawTotal = 0.0;
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            BoosterHandle raw = null!;
            var createSeconds = Time(() =>
                NativeCheck.Check(NativeMethods.LGBM_BoosterCreate(train.Handle, parameterString, out raw), "create"));
            using (raw)
            {
                var step = new RawStep(raw);
                var clock = Stopwatch.StartNew();
                var booster = Trainer.Train(parameters, train, iterations, callbacks: [step]).Booster;
                var api = clock.Elapsed.TotalSeconds - step.Seconds;
                booster.Dispose();
                // Both sides include creating their booster.
                var rawSeconds = createSeconds + step.Seconds;
                apiTotal += api;
                rawTotal += rawSeconds;
                ratios.Add(api / rawSeconds);
            }
        }
        ratios.Sort();
        return (apiTotal / Rounds, rawTotal / Rounds, ratios[Rounds / 2]);
    }

    /// <summary>Predicts in chunks, alternating (and swapping the order of) API and raw calls on the same rows.</summary>
    private static unsafe (double Api, double Raw, double MedianRatio) PredictLockstep(Booster model, BenchData data)
    {
        const int Chunks = 10;
        var chunkRows = data.Rows / Chunks;
        var apiOut = new double[chunkRows];
        var rawOut = new double[chunkRows];
        var apiTotal = 0.0;
        var rawTotal = 0.0;
        var ratios = new List<double>();
        for (var round = 0; round < Rounds; round++)
        {
            var apiRound = 0.0;
            var rawRound = 0.0;
            for (var chunk = 0; chunk < Chunks; chunk++)
            {
                var rows = data.Features.AsMemory(chunk * chunkRows * data.Columns, chunkRows * data.Columns);
                double Api() => Time(() => model.Predict(rows.Span, chunkRows, apiOut));
                double Raw() => Time(() =>
                {
                    fixed (float* x = rows.Span)
                    fixed (double* o = rawOut)
                    {
                        NativeCheck.Check(NativeMethods.LGBM_BoosterPredictForMat(model.Handle, x, 0, chunkRows, data.Columns, 1, 0, 0, -1, "", out _, o), "predict");
                    }
                });
                if ((chunk + round) % 2 == 0)
                {
                    apiRound += Api();
                    rawRound += Raw();
                }
                else
                {
                    rawRound += Raw();
                    apiRound += Api();
                }
            }
            apiTotal += apiRound;
            rawTotal += rawRound;
            ratios.Add(apiRound / rawRound);
        }
        ratios.Sort();
        return (apiTotal / Rounds, rawTotal / Rounds, ratios[Rounds / 2]);
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private sealed class RawStep(BoosterHandle raw) : ITrainingCallback
    {
        public double Seconds { get; private set; }

        public void AfterIteration(TrainingContext context)
        {
            var clock = Stopwatch.StartNew();
            NativeCheck.Check(NativeMethods.LGBM_BoosterUpdateOneIter(raw, out _), "update");
            Seconds += clock.Elapsed.TotalSeconds;
        }
    }

    // Other processes' load decides how noisy the numbers are on a shared machine; print it with them.
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

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

    private const int Rounds = 3;

    /// <summary>
    /// Runs <see cref="Rounds"/> whole pairs (for dataset construction, which cannot be split), alternating which side goes first; returns the fastest time of each
    /// side's mean time and the median of the per-pair ratios.
    /// </summary>
    private static (double Api, double Raw, double MedianRatio) Compare(Action api, Action raw)
    {
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
        return (apiTimes.Average(), rawTimes.Average(), ratios[Rounds / 2]);
    }

    private static void Report(string name, (double Api, double Raw, double MedianRatio) times) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {times.Api:F3} s | {times.Raw:F3} s | {100 * (times.Api - times.Raw) / times.Raw:+0.00;-0.00} % | {100 * (times.MedianRatio - 1):+0.00;-0.00} % |"));

    private static void SingleRow(bool quick)
    {
        const int Columns = 100;
        const int Trees = 500;
        // 20,000 rows are enough to grow 500 full 31-leaf trees; the model's shape is what the latency depends on.
        const int rows = 20_000;
        var data = BenchData.Create(rows, Columns, seed: 5);
        var parameters = BenchData.Parameters(numLeaves: 31) with { MinDataInLeaf = 5 };
        using var train = BuildApi(data, parameters);
        using var booster = Trainer.Train(parameters, train, Trees).Booster;
        using var predictor = booster.CreateSingleRowPredictor();
        // The same fast path called bare, on its own FastConfig with identical settings (LightGBM then reuses
        // the booster's single-row predictor, so both sides run the same native code).
        NativeCheck.Check(NativeMethods.LGBM_BoosterPredictForMatSingleRowFastInit(
            booster.Handle, 0, 0, booster.CurrentIteration, 0, Columns, "num_threads=1", out var rawConfig), "init");
        using var _ = rawConfig;
        var calls = quick ? 20_000 : 200_000;
        var apiLatencies = new double[calls];
        var rawLatencies = new double[calls];
        var sink = 0.0;
        var output = new double[1];
        for (var i = 0; i < 2_000; i++) sink += predictor.Predict(data.Features.AsSpan((i % rows) * Columns, Columns));
        // Alternate blocks of 1,000 calls so both sides see the same background load.
        const int Block = 1_000;
        for (var block = 0; block < calls; block += Block)
        {
            for (var i = block; i < block + Block; i++)
            {
                var row = data.Features.AsSpan((i % rows) * Columns, Columns);
                var start = Stopwatch.GetTimestamp();
                sink += predictor.Predict(row);
                apiLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            for (var i = block; i < block + Block; i++)
            {
                var row = data.Features.AsSpan((i % rows) * Columns, Columns);
                var start = Stopwatch.GetTimestamp();
                sink += RawSingleRow(rawConfig, row, output);
                rawLatencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Single-row fast path, {booster.CurrentIteration} trees x 31 leaves, {Columns} features, {calls:N0} calls per side:"));
        Console.WriteLine();
        Console.WriteLine("| path | p50 | p90 | p99 | p99.9 | max |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(Percentiles("SingleRowPredictor.Predict", apiLatencies));
        Console.WriteLine(Percentiles("raw LGBM_BoosterPredictForMatSingleRowFast", rawLatencies));
        GC.KeepAlive(sink);
    }

    private static unsafe double RawSingleRow(FastConfigHandle config, ReadOnlySpan<float> row, double[] output)
    {
        fixed (float* x = row)
        fixed (double* o = output)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterPredictForMatSingleRowFast(config, x, out _, o), "fast");
        }
        return output[0];
    }

    private static string Percentiles(string name, double[] latencies)
    {
        Array.Sort(latencies);
        double P(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        return string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {P(0.5):F1} µs | {P(0.9):F1} µs | {P(0.99):F1} µs | {P(0.999):F1} µs | {latencies[^1]:F1} µs |");
    }
}
