using System.Diagnostics;
using System.Globalization;
using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.Modeling;

namespace Cvr.Bench;

internal static partial class EndToEnd
{
    /// <summary>
    /// row-cost BUNDLE DATA [CACHE_DIR] [ROWS]: where one served row's CPU goes. The first ROWS (default 2,000)
    /// test rows, each scored part by part as <see cref="RowScorer"/> does (the per-row feature path, each booster's
    /// single-row call (LightGBM's fast path and the compiled forest, checked bit for bit), each member's per-row path) and whole, on one thread, repeated until each part has run for
    /// about two seconds; prints µs per row for each part.
    /// </summary>
    private static int RowCost(string[] args)
    {
        var (bundle, data) = (args[0], args[1]);
        var cacheDir = args.Length > 2 ? args[2] : null;
        var count = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 2000;
        var (system, _) = ModelBundleLoader.Load(bundle, new EnsembleMemberKinds(new Cvr.Deep.MmoeKind()));
        using var _system = system;
        var test = DataSet.Load(data, new DataSetOptions { CacheDirectory = cacheDir }).Test
            ?? throw new InvalidOperationException($"{data}: no test split");
        using var scorer = new RowScorer(system);
        var rows = Enumerable.Range(0, Math.Min(count, test.RowCount)).Select(r =>
        {
            var row = scorer.CreateRow();
            row.CopyFrom(test, r);
            return row;
        }).ToArray();
        var transform = system.Pipeline.CreateRowTransform();
        var scratch = transform.CreateScratch();
        var features = rows.Select(_ => new float[transform.Width]).ToArray();
        for (var r = 0; r < rows.Length; r++) { transform.Transform(rows[r], scratch, features[r]); }

        var parts = new List<(string Name, Action<int> Score)>
        {
            ("features (row transform)", r => transform.Transform(rows[r], scratch, features[r])),
        };
        var predictors = new List<ISingleRowScorer>();
        foreach (var (name, model) in system.Models.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (name == ModelNames.Baseline) { continue; }
            var lightGbm = model.Booster.CreateSingleRowPredictor(threads: 1);
            var compiled = CompiledForest.TryCompile(model.Booster, out var reason)
                ?? throw new InvalidOperationException($"{name}: not compiled: {reason}");
            predictors.AddRange([lightGbm, compiled]);
            var differ = Enumerable.Range(0, rows.Length).Count(r =>
                BitConverter.DoubleToInt64Bits(lightGbm.Predict(features[r])) != BitConverter.DoubleToInt64Bits(compiled.Predict(features[r])));
            if (differ > 0) { throw new InvalidOperationException($"{name}: the compiled forest differs from LightGBM on {differ} rows"); }
            parts.Add(($"booster {name} ({compiled.TreeCount:N0} trees), LightGBM's single-row fast path", r => lightGbm.Predict(features[r])));
            parts.Add(($"booster {name}, compiled forest (same bits on every row)", r => compiled.Predict(features[r])));
        }
        foreach (var member in system.Members)
        {
            var memberScorer = member.Model.CreateRowScorer(system.Pipeline.FeatureNames, transform.Schema);
            parts.Add(($"member {member.Model.Name}", r => memberScorer.PredictInstall(rows[r], features[r])));
        }
        parts.Add(("whole row (RowScorer.Score)", r => scorer.Score(rows[r])));

        Console.WriteLine($"| part ({rows.Length:N0} test rows, one thread) | µs per row |");
        Console.WriteLine("|---|---|");
        foreach (var (name, score) in parts)
        {
            for (var r = 0; r < rows.Length; r++) { score(r); } // warm-up
            var watch = Stopwatch.StartNew();
            long scored = 0;
            while (watch.Elapsed.TotalSeconds < 2)
            {
                for (var r = 0; r < rows.Length; r++) { score(r); }
                scored += rows.Length;
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {watch.Elapsed.TotalMicroseconds / scored:F1} |"));
        }
        foreach (var p in predictors) { p.Dispose(); }
        return 0;
    }
}
