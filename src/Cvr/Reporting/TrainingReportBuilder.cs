using Cvr.Data;
using Cvr.LightGbm;
using Cvr.Modeling;

namespace Cvr.Reporting;

/// <summary>The test day's rows with their install labels (and true probabilities on generated data), and the
/// system's scores of them when they were already computed (<c>cvr run</c> scored them for its submission).</summary>
public sealed record LabelledTest(Frame Frame, byte[] Installed, double[]? Truth, ModelScores? Scores = null);

/// <summary>
/// Computes a <see cref="TrainingReport"/> from a trained (or reloaded) system and the labelled frame it was trained
/// on: everything is measured on the frame's rows with the system's own scoring path, so a report rebuilt from the
/// bundle (<c>cvr report</c>) shows the same numbers as the one written at training time.
/// </summary>
public static class TrainingReportBuilder
{
    /// <summary>Validation rows SHAP explains per booster (evenly spaced over the day): TreeSHAP costs ~1 ms a row
    /// for each booster of a default model on this machine, so 1,000 rows keep the report's share of a run small
    /// while the mean |SHAP| of a feature settles to a few percent.</summary>
    public const int ShapRows = 1000;

    /// <summary>Top features (by mean |SHAP|) that get a dependence plot per booster.</summary>
    public const int DependenceFeatures = 4;

    /// <summary>In-sample rows scored per training day (evenly spaced): enough for a day's logloss to ±0.003.</summary>
    public const int RowsPerTrainingDay = 4000;

    /// <summary>Reliability bins: equal-count, at most this many, at least <see cref="MinBinRows"/> rows each.</summary>
    public const int MaxBins = 20;

    public const int MinBinRows = 50;

    public const string TrainSplit = "train", ValidationSplit = "validation", TestSplit = "test";

    /// <param name="data">The data folder; null: the bundle alone (no SHAP, reliability or per-day metrics).</param>
    /// <param name="train">The labelled days of <paramref name="data"/>.</param>
    /// <param name="trainedOn">The split the bundle was trained on (its manifest's), shown when no data is given.</param>
    public static TrainingReport Build(TrainedSystem system, DaySplitSummary trainedOn, string bundle, string? data, bool sameData, Frame? train, LabelledTest? test,
        RunTimings? timings)
    {
        var refit = system.Options.Refit;
        var leftOut = new List<string>();
        var models = new List<ModelSection>();
        var split = train is null ? null : DaySplit.Of(train, system.Split.ValidationDay);
        var shap = train is null ? [] : Shap(system, train, split!);
        foreach (var (name, model) in system.Models.OrderBy(kv => Order(kv.Key)))
        {
            if (model.Curve is null) { leftOut.Add($"{name}: no learning curve (the bundle was written before cvr recorded them)"); }
            models.Add(new ModelSection(name, ModelSection.BoosterKind, model.BestIteration, model.IterationsRun, model.StopReason, model.ValidationLogLoss,
                model.Curve, Importance(model, FeatureNamesOf(system, name)), shap.GetValueOrDefault(name)));
        }
        foreach (var member in system.Members)
        {
            models.Add(new ModelSection(member.Model.Name, ModelSection.MemberKind, member.Model.BestIteration, member.Model.Curve?.Iterations.Count, null,
                ValueAt(member.Model.Curve, member.Model.BestIteration), member.Model.Curve, [], null));
            leftOut.Add($"{member.Model.Name}: an ensemble member is shown by its per-epoch curve (training: the epoch's mean multi-task loss; "
                + "validation: the better head's install logloss) and its weight; importance and SHAP explain the boosters");
        }
        if (system.Models.ContainsKey(ModelNames.Baseline))
        {
            leftOut.Add("baseline: no SHAP (it reads the raw columns, not the served features, and only serves as a comparison)");
        }
        if (system.Selection is null)
        {
            leftOut.Add(system.Options.FeatureSelectionShare is null
                ? "feature selection: not asked for (every feature trains)"
                : system.Options.Features.Keep is not null
                    ? "feature selection: the kept features came with the feature config or the bundle, so no decision was recorded"
                    : "feature selection: skipped or not recorded (the preset selects from 250,000 training rows on; older bundles did not record it)");
        }
        if (train is null)
        {
            leftOut.Add("SHAP, reliability and per-day metrics: they need the data (cvr report --data DIR); this report shows what the bundle alone holds");
        }
        else if (!sameData) { leftOut.Add("the data given differs from the data the bundle was trained on (its fingerprint): the per-day numbers are on this data"); }
        if (refit) { leftOut.Add("refit on every labelled day: the validation day is in-sample for the final models (learning curves are the validated models')"); }

        var (days, reliability) = train is null ? ([], []) : Measure(system, train, split!, test, refit, leftOut);
        if (timings is null) { leftOut.Add("timings: measured by the training run only (see the report it wrote beside the bundle)"); }

        return new TrainingReport
        {
            Bundle = bundle,
            Data = data ?? "(none given)",
            SameData = sameData,
            Split = split?.Summary() ?? trainedOn,
            Refit = refit,
            OmegaTs = system.OmegaTs,
            OmegaE2e = system.OmegaE2e,
            EnsembleWeights = system.EnsembleWeights,
            Models = models,
            Selection = system.Selection,
            Reliability = reliability,
            Days = days,
            Timings = timings,
            LeftOut = leftOut,
        };
    }

    /// <summary>Per-day metrics and reliability: training days on a sample (in-sample), the validation day whole,
    /// the test day when its labels are given; new-ad rows apart.</summary>
    private static (List<DayRow> Days, List<ReliabilityDay> Reliability) Measure(TrainedSystem system, Frame train, DaySplit split, LabelledTest? test,
        bool refit, List<string> leftOut)
    {
        var installed = train.Label(Schema.InstallLabel).Values;
        var byDay = split.TrainRows.GroupBy(r => train.Days[r]).OrderBy(g => g.Key).ToArray();
        var sampled = byDay.SelectMany(g => Spaced([.. g], RowsPerTrainingDay)).ToArray();
        var scoredRows = sampled.Concat(split.ValidationRows).ToArray();
        var scores = system.Score(train, scoredRows);
        var days = new List<DayRow>();
        var offset = 0;
        foreach (var g in byDay)
        {
            var count = Math.Min(g.Count(), RowsPerTrainingDay);
            var positions = Enumerable.Range(offset, count).ToArray();
            days.Add(Day(g.Key, TrainSplit, DayRow.AllRows, scores.Select(positions), SplitLabels.At(installed, SplitLabels.At(scoredRows, positions)), null, g.Count(), inSample: true));
            offset += count;
        }
        var validPositions = Enumerable.Range(offset, split.ValidationRows.Length).ToArray();
        var validScores = scores.Select(validPositions);
        var validLabels = SplitLabels.At(installed, split.ValidationRows);
        days.Add(Day(split.ValidationDay, ValidationSplit, DayRow.AllRows, validScores, validLabels, null, split.ValidationRows.Length, refit));
        var reliability = new List<ReliabilityDay> { Reliability(split.ValidationDay, ValidationSplit, validScores, validLabels, refit) };
        if (train.TryGetCategorical(Workflow.AdColumn, out var ads))
        {
            var newInValidation = Workflow.NewAdRows(ads, Workflow.AdsOn(ads, split.TrainRows), split.ValidationRows);
            if (newInValidation.Length > 0)
            {
                days.Add(Day(split.ValidationDay, ValidationSplit, DayRow.NewAdRows, validScores.Select(newInValidation), SplitLabels.At(validLabels, newInValidation), null,
                    split.ValidationRows.Length, refit));
            }
        }
        if (test is not null)
        {
            var testDay = test.Frame.Days.Length == 0 ? 0 : test.Frame.Days.Max();
            var testScores = test.Scores ?? system.Score(test.Frame);
            days.Add(Day(testDay, TestSplit, DayRow.AllRows, testScores, test.Installed, test.Truth, test.Frame.RowCount, inSample: false));
            reliability.Add(Reliability(testDay, TestSplit, testScores, test.Installed, inSample: false));
            if (train.TryGetCategorical(Workflow.AdColumn, out var labelled) && test.Frame.TryGetCategorical(Workflow.AdColumn, out var testAds))
            {
                var newAds = Workflow.NewAdRows(testAds, [.. labelled.Levels]);
                if (newAds.Length > 0)
                {
                    days.Add(Day(testDay, TestSplit, DayRow.NewAdRows, testScores.Select(newAds), SplitLabels.At(test.Installed, newAds),
                        test.Truth is null ? null : SplitLabels.At(test.Truth, newAds), test.Frame.RowCount, inSample: false));
                }
            }
        }
        else
        {
            leftOut.Add("test day: not measured (cvr train measures no test day; cvr run and cvr report --data add it when its labels are known, in test/ or truth/test.csv)");
        }
        return (days, reliability);
    }

    /// <summary>The validation value a curve recorded at <paramref name="iteration"/>, if it did.</summary>
    private static double? ValueAt(LightGbm.Training.LearningCurve? curve, int iteration)
    {
        var k = curve?.Iterations is { } iterations ? iterations.ToList().IndexOf(iteration) : -1;
        return k < 0 ? null : curve!.Validation[k];
    }

    /// <summary>The process's peak resident memory so far (VmHWM on Linux).</summary>
    public static long PeakResidentBytes()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    private static int Order(string model) => model switch
    {
        ModelNames.EndToEnd => 0,
        ModelNames.Like => 1,
        ModelNames.Install => 2,
        ModelNames.Click => 3,
        _ => 4,
    };

    private static IReadOnlyList<string> FeatureNamesOf(TrainedSystem system, string model)
        => model == ModelNames.Baseline ? RawMatrix.Columns(system.TrainingSchema) : system.Pipeline.FeatureNames;

    private static FeatureImportanceRow[] Importance(TrainedModel model, IReadOnlyList<string> names)
    {
        var iterations = Math.Max(1, model.BestIteration);
        var gain = model.Booster.FeatureImportance(FeatureImportanceKind.Gain, iterations);
        var splits = model.Booster.FeatureImportance(FeatureImportanceKind.Split, iterations);
        var total = gain.Sum();
        return [.. Enumerable.Range(0, Math.Min(names.Count, gain.Length))
            .Select(j => new FeatureImportanceRow(names[j], gain[j], total > 0 ? gain[j] / total : 0, (long)splits[j]))
            .OrderByDescending(f => f.Gain).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }

    /// <summary>TreeSHAP of every booster on the served features (not the baseline) over <see cref="ShapRows"/>
    /// validation rows.</summary>
    private static Dictionary<string, ShapSummary> Shap(TrainedSystem system, Frame train, DaySplit split)
    {
        var rows = Spaced(split.ValidationRows, ShapRows);
        var features = system.Pipeline.Transform(train, rows, system.Options.Parallel);
        var names = system.Pipeline.FeatureNames;
        var n = features.Rows;
        var width = names.Count + 1;
        var result = new Dictionary<string, ShapSummary>(StringComparer.Ordinal);
        foreach (var (name, model) in system.Models)
        {
            if (name == ModelNames.Baseline) { continue; }
            var c = model.Booster.Predict(features.Data, n, PredictionKind.Contributions, layout: MatrixLayout.ColumnMajor, threads: system.Options.Threads ?? 0);
            var summary = new ShapFeature[names.Count];
            for (var j = 0; j < names.Count; j++)
            {
                double abs = 0, sum = 0;
                for (var i = 0; i < n; i++) { var v = c[i * width + j]; abs += Math.Abs(v); sum += v; }
                summary[j] = new ShapFeature(names[j], abs / n, sum / n);
            }
            var expected = 0.0;
            for (var i = 0; i < n; i++) { expected += c[i * width + names.Count]; }
            var ranked = summary.Select((f, j) => (f, j)).OrderByDescending(p => p.f.MeanAbs).ThenBy(p => p.j).ToArray();
            var dependence = ranked.Take(DependenceFeatures).Where(p => p.f.MeanAbs > 0).Select(p => new ShapDependence(p.f.Feature,
                [.. Enumerable.Range(0, n).Select(i => features.Data[p.j * n + i])],
                [.. Enumerable.Range(0, n).Select(i => c[i * width + p.j])])).ToArray();
            result[name] = new ShapSummary(n, expected / n, [.. ranked.Select(p => p.f)], dependence);
        }
        return result;
    }

    private static DayRow Day(int day, string splitName, string rowSet, ModelScores scores, byte[] installed, double[]? truth, int dayRows, bool inSample)
        => new(day, splitName, rowSet, installed.Length, dayRows, inSample, Metrics.Rate(installed),
            Metrics.LogLoss(installed, scores.Ensemble), Metrics.LogLoss(installed, scores.TsCalibrated), Metrics.LogLoss(installed, scores.E2eCalibrated),
            Metrics.Auc(installed, scores.Ensemble), Metrics.CalibrationRatio(installed, scores.Ensemble), truth is null ? null : Metrics.LogLoss(installed, truth));

    private static ReliabilityDay Reliability(int day, string splitName, ModelScores scores, byte[] installed, bool inSample)
    {
        var curves = scores.Rows().Where(r => r.Name != ModelScores.BaselineName)
            .Select(r => Curve(r.Name, r.Name.EndsWith("-cal", StringComparison.Ordinal) || r.Name == ModelScores.EnsembleName, installed, r.Values))
            .ToArray();
        return new ReliabilityDay(day, splitName, installed.Length, inSample, curves);
    }

    internal static ReliabilityCurve Curve(string model, bool calibrated, byte[] installed, double[] predicted)
    {
        var n = predicted.Length;
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(predicted.ToArray(), order);
        var binCount = Math.Clamp(n / MinBinRows, 1, MaxBins);
        var bins = new List<ReliabilityBin>(binCount);
        var ece = 0.0;
        for (var b = 0; b < binCount; b++)
        {
            var start = (int)((long)n * b / binCount);
            var end = (int)((long)n * (b + 1) / binCount);
            double p = 0, y = 0;
            for (var k = start; k < end; k++) { p += predicted[order[k]]; y += installed[order[k]]; }
            var rows = end - start;
            bins.Add(new ReliabilityBin(rows, p / rows, y / rows));
            ece += Math.Abs(p - y) / n;
        }
        return new ReliabilityCurve(model, calibrated, Metrics.LogLoss(installed, predicted), Metrics.CalibrationRatio(installed, predicted), ece, bins);
    }

    /// <summary>At most <paramref name="count"/> of <paramref name="rows"/>, evenly spaced, in order.</summary>
    internal static int[] Spaced(int[] rows, int count)
        => rows.Length <= count ? rows : [.. Enumerable.Range(0, count).Select(k => rows[(int)((long)rows.Length * k / count)])];
}
