using System.Globalization;
using Cvr.Data;
using Cvr.Modeling;

namespace Cvr.Bench;

internal static partial class EndToEnd
{
    private const int WeightFolds = 5;

    /// <summary>
    /// ensemble-weight BUNDLE DATA CACHE_DIR: how the ensemble weight rules do on the validation day out of sample.
    /// A weight fitted on the validation day always looks at least as good there as 0.5 (it was chosen there), so the
    /// validation-day rule is applied by cross-fitting: the day's rows in 5 folds (by row id), ω and the weight fitted
    /// on four, the logloss measured on the fifth, summed over the folds. Then each rule's weight, fitted on the whole
    /// day as <c>cvr train</c> does, on the test day (reported, never used to choose).
    /// </summary>
    private static int EnsembleWeight(string[] args)
    {
        var (bundle, data, cacheDir) = (args[0], args[1], args[2]);
        var inv = CultureInfo.InvariantCulture;
        var (system, _) = ModelBundleLoader.Load(bundle, new EnsembleMemberKinds(new Cvr.Deep.MmoeKind()));
        using var _system = system;
        var set = DataSet.Load(data, new DataSetOptions { CacheDirectory = cacheDir });
        var day = system.Split.ValidationDay;
        var rows = Enumerable.Range(0, set.Train.RowCount).Where(r => set.Train.Days[r] == day).ToArray();
        var valid = Members(system, set.Train, rows);
        var validLabels = rows.Select(r => set.Train.Label(Schema.InstallLabel).Values[r]).ToArray();
        var test = set.Test ?? throw new InvalidOperationException($"{data}: no test split");
        var testMembers = Members(system, test, null);
        var truth = NumericTable.Read(Path.Combine(data, "truth", "test.csv"), [Submission.RowIdColumn, Schema.InstallLabel], []);
        var byId = new Dictionary<long, byte>(truth.Rows);
        for (var i = 0; i < truth.Rows; i++) { byId[(long)truth.Column(Submission.RowIdColumn)[i]] = (byte)truth.Column(Schema.InstallLabel)[i]; }
        var testLabels = test.RowIds.Select(id => byId[id]).ToArray();

        var rules = new (string Name, Func<double, double> FromFitted)[]
        {
            ("0.5 (the paper)", _ => 0.5),
            ("fitted", w => w),
            ("fitted, halfway to 0.5", w => Math.Round((0.5 + w) / 2 / Ensemble.WeightStep) * Ensemble.WeightStep),
            ("Model_ts-cal alone (1.0)", _ => 1.0),
            ("Model_e2e-cal alone (0.0)", _ => 0.0),
        };
        var fold = rows.Select(r => (int)(Mix((ulong)set.Train.RowIds[r]) % WeightFolds)).ToArray();
        var outOfFold = rules.Select(_ => new double[rows.Length]).ToArray();
        var foldWeights = new double[WeightFolds];
        for (var k = 0; k < WeightFolds; k++)
        {
            var fit = Enumerable.Range(0, rows.Length).Where(i => fold[i] != k).ToArray();
            var held = Enumerable.Range(0, rows.Length).Where(i => fold[i] == k).ToArray();
            var (ts, e2e, w) = Fit(At(validLabels, fit), At(valid.Ts, fit), At(valid.E2e, fit));
            foldWeights[k] = w;
            for (var r = 0; r < rules.Length; r++)
            {
                var weight = rules[r].FromFitted(w);
                foreach (var i in held)
                {
                    outOfFold[r][i] = Ensemble.Blend(Calibration.Apply(valid.Ts[i], ts), Calibration.Apply(valid.E2e[i], e2e), weight);
                }
            }
        }
        var (omegaTs, omegaE2e, fitted) = Fit(validLabels, valid.Ts, valid.E2e);
        var tsCal = Calibration.Apply(testMembers.Ts, omegaTs);
        var e2eCal = Calibration.Apply(testMembers.E2e, omegaE2e);
        var validTsCal = Calibration.Apply(valid.Ts, omegaTs);
        var validE2eCal = Calibration.Apply(valid.E2e, omegaE2e);
        Console.WriteLine(string.Create(inv, $"validation day {day}: {rows.Length:N0} rows; weight of Model_ts fitted on the whole day {fitted:F2} (ω_ts {omegaTs:F4}, ω_e2e {omegaE2e:F4}); test day {testLabels.Length:N0} rows"));
        Console.WriteLine(string.Create(inv, $"weights fitted on four folds each: {string.Join(", ", foldWeights.Select(w => w.ToString("F2", inv)))}"));
        Console.WriteLine("| rule | weight (whole day) | validation, cross-fitted (5 folds) | … minus 0.5's (± 1 SE) | validation, in sample | test | … minus 0.5's (± 1 SE) |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var testPaper = Ensemble.Blend(tsCal, e2eCal, 0.5);
        for (var r = 0; r < rules.Length; r++)
        {
            var weight = rules[r].FromFitted(fitted);
            var inSample = Metrics.LogLoss(validLabels, Ensemble.Blend(validTsCal, validE2eCal, weight));
            var testBlend = Ensemble.Blend(tsCal, e2eCal, weight);
            var (validDiff, validSe) = PairedDifference(validLabels, outOfFold[r], outOfFold[0]);
            var (testDiff, testSe) = PairedDifference(testLabels, testBlend, testPaper);
            Console.WriteLine(string.Create(inv,
                $"| {rules[r].Name} | {weight:F2} | {Metrics.LogLoss(validLabels, outOfFold[r]):F5} | {validDiff:+0.00000;-0.00000} ± {validSe:F5} | {inSample:F5} | {Metrics.LogLoss(testLabels, testBlend):F5} | {testDiff:+0.00000;-0.00000} ± {testSe:F5} |"));
        }
        NewAdShares(set, rows, validLabels, validTsCal, validE2eCal, testLabels, tsCal, e2eCal);
        return 0;
    }

    /// <summary>
    /// The validation day split like the test day's new-ad report: rows whose ad no earlier day has (new ads, about 4 %
    /// of a training day, against 29 % of the generated test day) and the rest, and the day's logloss reweighted to the
    /// test day's share of new-ad rows (that share needs no labels).
    /// </summary>
    private static void NewAdShares(DataSet set, int[] rows, byte[] validLabels, double[] validTs, double[] validE2e, byte[] testLabels, double[] testTs, double[] testE2e)
    {
        var inv = CultureInfo.InvariantCulture;
        var train = set.Train;
        if (!train.TryGetCategorical(Workflow.AdColumn, out var ads) || set.Test is null || !set.Test.TryGetCategorical(Workflow.AdColumn, out var testAds))
        {
            return;
        }
        var day = train.Days[rows[0]];
        var earlier = Enumerable.Range(0, train.RowCount).Where(r => train.Days[r] < day && ads.Codes[r] != Data.CategoricalColumn.Missing)
            .Select(r => ads.Levels[ads.Codes[r]]).ToHashSet();
        var isNew = rows.Select(r => ads.Codes[r] != Data.CategoricalColumn.Missing && !earlier.Contains(ads.Levels[ads.Codes[r]])).ToArray();
        var testNew = new bool[testLabels.Length];
        foreach (var r in Workflow.NewAdRows(testAds, [.. ads.Levels])) { testNew[r] = true; }
        var share = testNew.Average(b => b ? 1.0 : 0.0);
        Console.WriteLine(string.Create(inv, $"new-ad rows: validation day {isNew.Average(b => b ? 1.0 : 0.0):P1} ({isNew.Count(b => b):N0}), test day {share:P1}"));
        Console.WriteLine("| model | validation: new ads | seen ads | reweighted to the test day's new-ad share | test: new ads | seen ads | all |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (name, weight) in new[] { ("ensemble (0.5)", 0.5), ("Model_ts-cal", 1.0), ("Model_e2e-cal", 0.0) })
        {
            var valid = Ensemble.Blend(validTs, validE2e, weight);
            var test = Ensemble.Blend(testTs, testE2e, weight);
            double Loss(byte[] labels, double[] p, bool[] mask, bool which)
            {
                var idx = Enumerable.Range(0, labels.Length).Where(i => mask[i] == which).ToArray();
                return Metrics.LogLoss(At(labels, idx), At(p, idx));
            }
            var (vNew, vSeen) = (Loss(validLabels, valid, isNew, true), Loss(validLabels, valid, isNew, false));
            Console.WriteLine(string.Create(inv,
                $"| {name} | {vNew:F5} | {vSeen:F5} | {share * vNew + (1 - share) * vSeen:F5} | {Loss(testLabels, test, testNew, true):F5} | {Loss(testLabels, test, testNew, false):F5} | {Metrics.LogLoss(testLabels, test):F5} |"));
        }
    }

    /// <summary>The mean of the per-row logloss difference of two predictions and its standard error (the rows
    /// taken as independent: duplicates make it slightly optimistic).</summary>
    private static (double Mean, double StandardError) PairedDifference(byte[] labels, double[] a, double[] b)
    {
        var d = labels.Select((y, i) => RowLoss(y, a[i]) - RowLoss(y, b[i])).ToArray();
        var mean = d.Average();
        var variance = d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1);
        return (mean, Math.Sqrt(variance / d.Length));
    }

    private static double RowLoss(byte label, double p)
    {
        p = Math.Clamp(p, Metrics.Epsilon, 1 - Metrics.Epsilon);
        return label == 1 ? -Math.Log(p) : -Math.Log(1 - p);
    }

    /// <summary>ω of both models and the fitted weight of calibrated Model_ts, as the trainer fits them.</summary>
    private static (double OmegaTs, double OmegaE2e, double Weight) Fit(byte[] labels, double[] ts, double[] e2e)
    {
        var omegaTs = Calibration.Omega(labels, ts);
        var omegaE2e = Calibration.Omega(labels, e2e);
        return (omegaTs, omegaE2e, Ensemble.FitWeight(labels, Calibration.Apply(ts, omegaTs), Calibration.Apply(e2e, omegaE2e)));
    }

    /// <summary>Uncalibrated Model_ts (like × install) and Model_e2e for rows of a frame.</summary>
    private static (double[] Ts, double[] E2e) Members(TrainedSystem system, Frame frame, int[]? rows)
    {
        var raw = system.PredictRaw(frame, rows);
        var like = raw[ModelNames.Like];
        var install = raw[ModelNames.Install];
        return (like.Select((p, i) => p * install[i]).ToArray(), raw[ModelNames.EndToEnd]);
    }

    private static T[] At<T>(T[] values, int[] rows) => rows.Select(r => values[r]).ToArray();

    /// <summary>SplitMix64's finaliser: fold assignment by row id, independent of row order.</summary>
    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
