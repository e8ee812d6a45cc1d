using System.Diagnostics;
using System.Globalization;
using Cvr.Data;
using Cvr.Data.Cache;

namespace Cvr.Bench;

/// <summary>
/// Whole-operation benchmarks run as <c>dotnet run -c Release --project bench/Cvr.Bench -- NAME ...</c>. Each
/// prints one markdown table row so results can be pasted into bench/results/.
/// </summary>
internal static partial class EndToEnd
{
    public static readonly Dictionary<string, Func<string[], int>> Commands = new(StringComparer.Ordinal)
    {
        ["read"] = Read,
        ["cache"] = Cache,
        ["features"] = Features,
        // The LightGBM binding's overhead harness (1M-row runs are too long for BenchmarkDotNet's repetitions).
        ["lightgbm"] = Cvr.Bench.LightGbm.BindingOverhead.Run,
        ["analyze"] = Analyze,
        ["tpe"] = TpeBenchmark.Run,
        ["newad-floor"] = NewAdFloor,
        ["ensemble-weight"] = EnsembleWeight,
        ["row-cost"] = RowCost,
    };

    /// <summary>features DATA_DIR [CACHE_DIR]: the default feature set, fitted on train (out of fold) and applied to test.</summary>
    private static int Features(string[] args)
    {
        var set = DataSet.Load(args[0], new DataSetOptions { CacheDirectory = args.Length > 1 ? args[1] : null });
        var frameBytes = set.Train.SizeInBytes + (set.Test?.SizeInBytes ?? 0);
        GC.Collect();
        var baseline = PeakRss();
        var watch = Stopwatch.StartNew();
        var pipeline = new Cvr.Features.FeaturePipeline(Cvr.Features.FeatureConfig.Default);
        var (fitted, train) = pipeline.FitTransform(set.Train);
        var fitSeconds = watch.Elapsed.TotalSeconds;
        var test = set.Test is null ? null : fitted.Transform(set.Test);
        var seconds = watch.Elapsed.TotalSeconds;
        var peak = PeakRss();
        var outputBytes = train.SizeInBytes + (test?.SizeInBytes ?? 0);
        var rows = train.Rows + (test?.Rows ?? 0);
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("| rows | features | output MB | frames MB | fit+transform train s | total s | peak RSS MB | RSS before MB | (peak − frames) / output |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(inv,
            $"| {rows:N0} | {train.Columns} | {outputBytes / 1e6:F0} | {frameBytes / 1e6:F0} | {fitSeconds:F2} | {seconds:F2} | {peak / 1e6:F0} | {baseline / 1e6:F0} | {(peak - baseline) / (double)outputBytes:F2} |"));
        return 0;
    }

    /// <summary>read PATH: parses a split (file or folder of shards) without the cache.</summary>
    private static int Read(string[] args)
    {
        var path = args[0];
        var textBytes = FrameReader.ListSources(path).Sum(f => new FileInfo(f).Length);
        var baseline = PeakRss();
        var watch = Stopwatch.StartNew();
        var frame = FrameReader.Read(path, new ReadOptions { RequireLabels = false });
        var seconds = watch.Elapsed.TotalSeconds;
        Report("parse text", path, frame, textBytes, seconds, baseline);
        return 0;
    }

    /// <summary>cache PATH CACHE_DIR: fills the Arrow cache if needed, then times a read from it in this process.</summary>
    private static int Cache(string[] args)
    {
        var (path, cacheDir) = (args[0], args[1]);
        var options = new ReadOptions { RequireLabels = false };
        var sources = FrameReader.ListSources(path);
        var file = Path.Combine(cacheDir, FrameCache.Name(sources));
        if (!File.Exists(file))
        {
            Console.Error.WriteLine("filling the cache first (run again to measure from a fresh process)");
            FrameCache.ReadThrough(path, options, cacheDir);
            return 0;
        }
        var baseline = PeakRss();
        var watch = Stopwatch.StartNew();
        var frame = FrameCache.ReadThrough(path, options, cacheDir);
        var seconds = watch.Elapsed.TotalSeconds;
        Report("read Arrow cache", path, frame, new FileInfo(file).Length, seconds, baseline);
        return 0;
    }

    private static void Report(string what, string path, Frame frame, long inputBytes, double seconds, long baseline)
    {
        var peak = PeakRss();
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine("| what | input | rows | input MB | frame MB | seconds | input MB/s | frame MB/s | peak RSS MB | peak RSS / frame | (RSS before: MB) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(inv,
            $"| {what} | {path} | {frame.RowCount:N0} | {inputBytes / 1e6:F0} | {frame.SizeInBytes / 1e6:F0} | {seconds:F2} | {inputBytes / 1e6 / seconds:F0} | {frame.SizeInBytes / 1e6 / seconds:F0} | {peak / 1e6:F0} | {peak / (double)frame.SizeInBytes:F2} | {baseline / 1e6:F0} |"));
    }

    /// <summary>The process's peak resident set (VmHWM), the figure memory targets are checked against.</summary>
    internal static long PeakRss()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                var kb = long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb * 1024;
            }
        }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
