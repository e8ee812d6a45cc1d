using System.Diagnostics;
using System.Globalization;
using Cvr.Analysis;
using Cvr.Data;

namespace Cvr.Bench;

internal static partial class EndToEnd
{
    /// <summary>
    /// analyze DATA CACHE_DIR [OUT]: what <c>cvr analyze</c> does, timed by part: loading (text on the first run,
    /// the Arrow cache after), each analysis section, writing report.json and report.html.
    /// </summary>
    private static int Analyze(string[] args)
    {
        var (data, cacheDir) = (args[0], args[1]);
        var outDir = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "cvr-bench-report-" + Guid.NewGuid().ToString("N")[..8]);
        var total = Stopwatch.StartNew();
        var set = DataSet.Load(data, new DataSetOptions { CacheDirectory = cacheDir, RequireTrainLabels = false });
        var load = total.Elapsed.TotalSeconds;
        var result = DataAnalyzer.Analyze(set);
        var write = Stopwatch.StartNew();
        ReportWriter.Write(outDir, result, overwrite: true);
        var writeSeconds = write.Elapsed.TotalSeconds;
        var seconds = total.Elapsed.TotalSeconds;
        var inv = CultureInfo.InvariantCulture;
        var rows = set.Train.RowCount + (set.Test?.RowCount ?? 0);
        Console.WriteLine($"| part | seconds |");
        Console.WriteLine("|---|---|");
        Console.WriteLine(string.Create(inv, $"| load ({rows:N0} rows) | {load:F2} |"));
        foreach (var t in result.Report.Timings) { Console.WriteLine(string.Create(inv, $"| {t.Section} | {t.Seconds:F2} |")); }
        Console.WriteLine(string.Create(inv, $"| write report.json + report.html | {writeSeconds:F2} |"));
        Console.WriteLine(string.Create(inv, $"| **total** | **{seconds:F2}** |"));
        Console.WriteLine(string.Create(inv, $"| (analysis alone) | {result.Report.Timings.Sum(t => t.Seconds):F2} |"));
        Console.WriteLine(string.Create(inv, $"| (peak RSS MB) | {PeakRss() / 1e6:F0} |"));
        if (args.Length <= 2) { Directory.Delete(outDir, recursive: true); }
        return 0;
    }
}
