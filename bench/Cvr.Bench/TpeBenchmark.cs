using System.Diagnostics;
using System.Globalization;
using System.Text;
using Cvr.Tuning;

using Cvr.Tuning.Testing;

namespace Cvr.Bench;

/// <summary>
/// tpe [BUDGET] [SEEDS] [OUT_DIR]: TPE against random search on the standard test functions, median best-so-far per
/// trial over seeds 0..SEEDS-1 (defaults 100 trials, 20 seeds, bench/results). Writes tpe.md and one SVG per function.
/// </summary>
internal static class TpeBenchmark
{
    private static readonly int[] s_checkpoints = [10, 20, 30, 50, 75, 100, 150, 200];

    public static int Run(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        int budget = args.Length > 0 ? int.Parse(args[0], inv) : 100;
        int seedCount = args.Length > 1 ? int.Parse(args[1], inv) : 20;
        var outDir = args.Length > 2 ? args[2] : Path.Combine("bench", "results");
        Directory.CreateDirectory(outDir);
        var seeds = Enumerable.Range(0, seedCount).Select(s => (ulong)s).ToArray();

        var md = new StringBuilder();
        md.AppendLine("# TPE vs random search");
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"Median (over seeds 0..{seedCount - 1}) of the best value found so far; lower is better. Budget {budget} trials; TPE with Optuna's defaults (10 random start-up trials, 24 EI candidates, gamma = min(ceil(0.1 n), 25)), random search with the same seeds. On the noisy function the incumbent is chosen by noisy values and its noise-free value is reported."));
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"Command: `dotnet run -c Release --project bench/Cvr.Bench -- tpe {budget} {seedCount}` ({Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd})."));
        md.AppendLine();
        var curves = new StringBuilder();
        foreach (var problem in BenchmarkProblems.All)
        {
            var watch = Stopwatch.StartNew();
            var tpe = SamplerComparison.MedianCurve(problem, s => new TpeSampler(s), seeds, budget);
            double tpeSeconds = watch.Elapsed.TotalSeconds;
            var random = SamplerComparison.MedianCurve(problem, s => new RandomSampler(s), seeds, budget);
            md.AppendLine(string.Create(inv, $"## {problem.Name} (minimum {problem.Minimum:G6})"));
            md.AppendLine();
            md.AppendLine("| trials | TPE | random |");
            md.AppendLine("|---:|---:|---:|");
            foreach (int n in s_checkpoints.Where(c => c <= budget).Append(budget).Distinct())
            {
                md.AppendLine(string.Create(inv, $"| {n} | {tpe[n - 1]:G5} | {random[n - 1]:G5} |"));
            }
            md.AppendLine();
            md.AppendLine(string.Create(inv, $"TPE: {tpeSeconds / seedCount / budget * 1000:F2} ms per trial on average (sampling only). Chart: [tpe-{problem.Name}.svg](tpe-{problem.Name}.svg)"));
            md.AppendLine();
            curves.AppendLine(string.Create(inv, $"| {problem.Name} | TPE | {string.Join(" ", tpe.Select(v => v.ToString("G4", inv)))} |"));
            curves.AppendLine(string.Create(inv, $"| {problem.Name} | random | {string.Join(" ", random.Select(v => v.ToString("G4", inv)))} |"));
            Chart(problem, tpe, random, Path.Combine(outDir, $"tpe-{problem.Name}.svg"));
            Console.WriteLine(string.Create(inv, $"{problem.Name}: after {budget} trials TPE {tpe[^1]:G5}, random {random[^1]:G5}"));
        }
        md.AppendLine("## Curves (median best-so-far after trial 1, 2, ...)");
        md.AppendLine();
        md.AppendLine("| function | sampler | values |");
        md.AppendLine("|---|---|---|");
        md.Append(curves);
        File.WriteAllText(Path.Combine(outDir, "tpe.md"), md.ToString());
        return 0;
    }

    private static void Chart(BenchmarkProblem problem, double[] tpe, double[] random, string path)
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set("DejaVu Sans");
        double[] xs = [.. Enumerable.Range(1, tpe.Length).Select(i => (double)i)];
        // The gap to the known minimum, on a log axis, shows the late progress that a linear axis hides.
        double[] Gap(double[] curve) => [.. curve.Select(v => Math.Log10(Math.Max(v - problem.Minimum, 1e-6)))];
        var t = plot.Add.Scatter(xs, Gap(tpe));
        t.LegendText = "TPE";
        t.MarkerSize = 0;
        var r = plot.Add.Scatter(xs, Gap(random));
        r.LegendText = "random";
        r.MarkerSize = 0;
        plot.Title($"{problem.Name}: median best-so-far");
        plot.XLabel("trial");
        plot.YLabel("log10(best - minimum)");
        plot.ShowLegend();
        plot.SaveSvg(path, 640, 400);
    }
}
