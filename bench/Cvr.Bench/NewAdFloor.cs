using System.Globalization;
using System.Text.Json;
using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;

namespace Cvr.Bench;

internal static partial class EndToEnd
{
    /// <summary>
    /// newad-floor DATA CACHE_DIR [NAME=SUBMISSION ...]: on generated data, the best logloss any predictor can reach
    /// on the test rows whose ad no labelled day has (issue 14's "new ads"), beside the truth's and each submission's.
    /// </summary>
    /// <remarks>
    /// The generator draws every ad's own effects once (like, install, its install drift, and per secondary app a
    /// cross effect: <see cref="Ad"/>), and an ad first seen on the test day shows them on no labelled day; its test
    /// rows carry no labels. So the best prediction for such a row is the true probability with those effects
    /// integrated out over their prior: E[σ(a_L + L)] · E[σ(a_I + I)], with a_L, a_I the row's true logits minus the
    /// ad's own terms and L ~ N(0, 0.85² (+ 0.6² on a secondary app)), I ~ N(0, 1.0² + 0.15² (+ 0.6²)) independent
    /// (the drift term's t/11 is 1 on the test day). That is the floor: the logloss of a predictor that knows every
    /// other part of the generator (its world, intercepts, each row's hidden user and counts) exactly. The test day's
    /// rows are regenerated from the seed in truth/story.json (<see cref="ShardWriter.Generate"/>, the code that
    /// wrote them) and checked against truth/test.csv.
    /// </remarks>
    private static int NewAdFloor(string[] args)
    {
        var (data, cacheDir) = (args[0], args[1]);
        var inv = CultureInfo.InvariantCulture;
        using var story = JsonDocument.Parse(File.ReadAllText(Path.Combine(data, "truth", "story.json")));
        var seed = story.RootElement.GetProperty("seed").GetUInt64();
        var set = DataSet.Load(data, new DataSetOptions { CacheDirectory = cacheDir });
        var test = set.Test ?? throw new InvalidOperationException($"{data}: no test split");
        if (!set.Train.TryGetCategorical(Workflow.AdColumn, out var trainAds) || !test.TryGetCategorical(Workflow.AdColumn, out var testAds))
        {
            throw new InvalidOperationException($"{data}: no {Workflow.AdColumn} column");
        }
        var newRows = Workflow.NewAdRows(testAds, [.. trainAds.Levels]);
        var truth = NumericTable.Read(Path.Combine(data, "truth", "test.csv"), [Submission.RowIdColumn, Schema.InstallLabel, SubmissionEvaluator.TruthProbability], []);

        // Regenerate the test day: row i of the file is generated row i (ids 1..n).
        var world = new World(seed, new StoryParameters());
        var p = world.Parameters;
        var n = truth.Rows;
        var floor = new double[n];
        var regenerated = new double[n];
        var gauss = new LogisticNormal();
        new ShardWriter(world).Generate(Streams.Test, 1, n, _ => RealData.TestDay, row =>
        {
            var ad = world.Catalog.Ads[row.Ad];
            var i = (int)(row.Id - 1);
            var cross = row.AppSlot > 0 ? p.CrossSd * p.CrossSd : 0;
            var likeLogit = Logit(row.PLike) - ad.Like - ad.CrossLike[row.AppSlot];
            var drift = (row.Day - World.PivotDay) / 11.0;
            var installLogit = Logit(row.PInstallGivenLike) - ad.Install - ad.Drift * drift - ad.CrossInstall[row.AppSlot];
            floor[i] = gauss.Mean(likeLogit, Math.Sqrt(p.AdLikeSd * p.AdLikeSd + cross))
                * gauss.Mean(installLogit, Math.Sqrt(p.AdInstallSd * p.AdInstallSd + p.AdDriftSd * p.AdDriftSd * drift * drift + cross));
            regenerated[i] = row.PInstalled;
        });
        var truthP = truth.Column(SubmissionEvaluator.TruthProbability);
        var worst = Enumerable.Range(0, n).Max(i => Math.Abs(truthP[i] - regenerated[i]));
        if (worst > 1e-12)
        {
            throw new InvalidOperationException($"{data}: the regenerated test day differs from truth/test.csv (|Δp| up to {worst:G3}): not this generator's data");
        }

        // Test frame row r ↔ truth row by RowId.
        var truthRow = Index(truth.Column(Submission.RowIdColumn));
        var at = newRows.Select(r => truthRow[test.RowIds[r]]).ToArray();
        var labels = at.Select(i => (byte)truth.Column(Schema.InstallLabel)[i]).ToArray();
        double Loss(double[] byTruthRow) => Metrics.LogLoss(labels, at.Select(i => byTruthRow[i]).ToArray());
        // The rows of ads some labelled day has: there the truth is what a predictor could learn, so their gap to it
        // is the models' ordinary error (unknown users, estimation), the yardstick for the new-ad rows' part above the floor.
        var isNew = new bool[test.RowCount];
        foreach (var r in newRows) { isNew[r] = true; }
        var seenAt = Enumerable.Range(0, test.RowCount).Where(r => !isNew[r]).Select(r => truthRow[test.RowIds[r]]).ToArray();
        var seenLabels = seenAt.Select(i => (byte)truth.Column(Schema.InstallLabel)[i]).ToArray();
        double SeenLoss(double[] byTruthRow) => Metrics.LogLoss(seenLabels, seenAt.Select(i => byTruthRow[i]).ToArray());
        double Calibration(double[] byTruthRow) => at.Average(i => byTruthRow[i]) / labels.Average(l => (double)l);
        var truthLoss = Loss(truthP);
        var floorLoss = Loss(floor);
        Console.WriteLine(string.Create(inv, $"new-ad test rows: {newRows.Length:N0} of {test.RowCount:N0} ({newRows.Length / (double)test.RowCount:P1}); install rate {labels.Average(l => (double)l):F4}"));
        var seenTruthLoss = SeenLoss(truthP);
        Console.WriteLine("| predictor | new-ad logloss | calibration | gap to the truth | part of the gap above the floor | seen-ad logloss | seen-ad gap to the truth |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(inv, $"| true probabilities | {truthLoss:F5} | {Calibration(truthP):F3} | 0 | | {seenTruthLoss:F5} | 0 |"));
        Console.WriteLine(string.Create(inv, $"| **floor** (the ad's own effects integrated out) | **{floorLoss:F5}** | {Calibration(floor):F3} | {floorLoss - truthLoss:F5} | | | |"));
        foreach (var spec in args.Skip(2))
        {
            var (name, path) = spec.IndexOf('=') is var eq and > 0 ? (spec[..eq], spec[(eq + 1)..]) : (spec, spec);
            var submission = NumericTable.Read(path, Submission.Header, []);
            var predicted = new double[n];
            var ids = submission.Column(Submission.RowIdColumn);
            var values = submission.Column(Schema.InstallLabel);
            for (var k = 0; k < ids.Length; k++) { predicted[truthRow[(long)ids[k]]] = values[k]; }
            var loss = Loss(predicted);
            var seenLoss = SeenLoss(predicted);
            Console.WriteLine(string.Create(inv, $"| {name} | {loss:F5} | {Calibration(predicted):F3} | {loss - truthLoss:F5} | {loss - floorLoss:F5} | {seenLoss:F5} | {seenLoss - seenTruthLoss:F5} |"));
        }
        Console.WriteLine(string.Create(inv, $"halving the gap of a predictor at L needs (L + {truthLoss:F5}) / 2; the floor allows at most a cut to {floorLoss - truthLoss:F5}"));
        return 0;
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static Dictionary<long, int> Index(double[] ids)
    {
        var index = new Dictionary<long, int>(ids.Length);
        for (var i = 0; i < ids.Length; i++) { index.Add((long)ids[i], i); }
        return index;
    }

    /// <summary>E[σ(a + s·Z)], Z standard normal, by the midpoint rule on ±10 sd (error far below 1e-9 here).</summary>
    private sealed class LogisticNormal
    {
        private const int Points = 4001;
        private const double Span = 10;
        private readonly double[] _z = new double[Points], _w = new double[Points];

        public LogisticNormal()
        {
            var step = 2 * Span / Points;
            var sum = 0.0;
            for (var k = 0; k < Points; k++)
            {
                _z[k] = -Span + (k + 0.5) * step;
                sum += _w[k] = Math.Exp(-0.5 * _z[k] * _z[k]);
            }
            for (var k = 0; k < Points; k++) { _w[k] /= sum; }
        }

        public double Mean(double a, double s)
        {
            var mean = 0.0;
            for (var k = 0; k < Points; k++) { mean += _w[k] / (1 + Math.Exp(-(a + s * _z[k]))); }
            return mean;
        }
    }
}
