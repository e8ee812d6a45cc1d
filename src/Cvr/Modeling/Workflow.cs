using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>What <c>cvr run</c> measured, also written as <c>metrics.json</c>.</summary>
public sealed record RunReport(
    [property: JsonPropertyName("validation")] DayMetrics? Validation,
    [property: JsonPropertyName("test")] DayMetrics? Test,
    [property: JsonPropertyName("omega_ts")] double OmegaTs,
    [property: JsonPropertyName("omega_e2e")] double OmegaE2e,
    [property: JsonPropertyName("ensemble_weight_ts")] double EnsembleWeight,
    [property: JsonPropertyName("best_iterations")] IReadOnlyDictionary<string, int> BestIterations,
    [property: JsonPropertyName("phases_seconds")] IReadOnlyDictionary<string, double> PhaseSeconds,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("submission")] string? Submission,
    [property: JsonPropertyName("ensemble_weights")] IReadOnlyDictionary<string, double> EnsembleWeights,
    [property: JsonPropertyName("member_omegas")] IReadOnlyDictionary<string, double> MemberOmegas,
    [property: JsonPropertyName("test_new_ads")] DayMetrics? TestNewAds = null,
    [property: JsonPropertyName("report")] string? Report = null);

/// <summary>The main commands' work, independent of the command line: train, predict, and both with evaluation.
/// Each takes the ensemble member kinds it may train or load (none when null: a system without members).</summary>
public static class Workflow
{
    /// <summary>The column whose values identify an ad (data-format.md): test rows whose value never occurs on a
    /// labelled day are the "new ads" reported apart.</summary>
    public const string AdColumn = "f_6";

    /// <param name="reportDir">Where to write the training report (report.html, report.json); null: none.</param>
    public static RunReport Train(string dataDir, string modelDir, TrainingOptions options, DataSetOptions data, ILogger logger, PhaseTimer timer, CancellationToken ct,
        IProgress<ModelProgress>? progress = null, string? reportDir = null, EnsembleMemberKinds? kinds = null)
    {
        if (reportDir is not null) { Reporting.ReportFolder.Check(reportDir, overwrite: true); } // not after minutes of training
        var (system, set) = TrainSystem(dataDir, modelDir, options, data, logger, timer, ct, progress, kinds);
        using (system)
        {
            return Finish(system, modelDir, dataDir, set.Train, timer, reportDir, logger);
        }
    }

    /// <summary>After the bundle is written: the training report (when <paramref name="reportDir"/> is given) and
    /// what <c>cvr train</c> prints.</summary>
    internal static RunReport Finish(TrainedSystem system, string modelDir, string dataDir, Frame train, PhaseTimer timer, string? reportDir, ILogger logger)
    {
        if (reportDir is not null)
        {
            WriteReport(system, modelDir, dataDir, train, null, timer, reportDir, logger);
        }
        return Report(system, null, timer, modelDir, null) with { Report = reportDir is null ? null : Path.Combine(reportDir, Reporting.TrainingReportWriter.HtmlName) };
    }

    /// <summary>Trains on the data's labelled days and writes the bundle; the caller disposes the system.</summary>
    private static (TrainedSystem System, DataSet Set) TrainSystem(string dataDir, string modelDir, TrainingOptions options, DataSetOptions data, ILogger logger,
        PhaseTimer timer, CancellationToken ct, IProgress<ModelProgress>? progress, EnsembleMemberKinds? kinds)
    {
        options.Validate(kinds); // bad --params fail before the data is read
        var set = timer.Time("read", () => DataSet.Load(dataDir, data, logger));
        var system = new TwoStageTrainer(options, logger, timer, progress, kinds).Train(set.Train, set.Test, ct);
        try
        {
            timer.Time("write bundle", () => ModelBundle.Save(system, modelDir, ModelBundle.Fingerprint(set.Train)));
        }
        catch
        {
            system.Dispose();
            throw;
        }
        logger.LogInformation("model bundle written to {Model}", modelDir);
        return (system, set);
    }

    /// <summary>The training report of a system just trained on <paramref name="train"/>, with the run's phase times
    /// and peak memory, written into <paramref name="reportDir"/> (replaced atomically).</summary>
    private static void WriteReport(TrainedSystem system, string modelDir, string dataDir, Frame train, Reporting.LabelledTest? test, PhaseTimer timer,
        string reportDir, ILogger logger)
    {
        var timings = new Reporting.RunTimings(timer.Seconds(), Reporting.TrainingReportBuilder.PeakResidentBytes());
        timer.Time("report", () =>
        {
            var report = Reporting.TrainingReportBuilder.Build(system, system.Split.Summary(), modelDir, dataDir, sameData: true, train, test, timings);
            Reporting.TrainingReportWriter.Write(reportDir, report, system.Options.Parallel);
        });
        logger.LogInformation("training report written to {Report}", Path.Combine(reportDir, Reporting.TrainingReportWriter.HtmlName));
    }

    /// <summary>Scores the test split of <paramref name="dataDir"/> with a bundle and writes the submission.</summary>
    public static (ModelScores Scores, Frame Test) Predict(string modelDir, string dataDir, string submission, DataSetOptions data, ILogger logger, PhaseTimer timer,
        EnsembleMemberKinds? kinds = null)
    {
        var (system, manifest) = timer.Time("read bundle", () => ModelBundleLoader.Load(modelDir, kinds));
        using (system)
        {
            var test = ReadTest(dataDir, manifest, data, logger, timer);
            var scores = timer.Time("scoring", () => system.Score(test));
            timer.Time("write submission", () => Submission.Write(submission, scores.RowIds, scores.Ensemble, scores.Click));
            logger.LogInformation("wrote {Rows:N0} predictions to {Submission}", scores.RowIds.Length, submission);
            return (scores, test);
        }
    }

    /// <summary>The test split of <paramref name="dataDir"/>, checked to hold every input the bundle needs.</summary>
    internal static Frame ReadTest(string dataDir, BundleManifest manifest, DataSetOptions data, ILogger logger, PhaseTimer timer)
    {
        var testPath = Path.Combine(dataDir, DataSet.TestFolder);
        if (!Directory.Exists(testPath) && !File.Exists(testPath))
        {
            throw DataError.File(dataDir, "no test/ folder to score (expected the challenge layout: train/ and test/)");
        }
        var test = timer.Time("read", () => DataSet.ReadSplit(dataDir, testPath, requireLabels: false, data, logger));
        ModelBundleLoader.CheckColumns(manifest, test, FrameReader.Display(FrameReader.ListSources(testPath)[0], dataDir));
        return test;
    }

    /// <summary>
    /// <c>cvr report</c>: rebuilds a bundle's training report into <paramref name="outDir"/>. With a data folder (the
    /// training data, or any data in its layout) it measures SHAP, reliability and per-day metrics there, the test
    /// day too when its labels are known; without one it shows what the bundle alone holds. Timings are the
    /// training run's and are not in a rebuilt report.
    /// </summary>
    public static Reporting.TrainingReport RebuildReport(string modelDir, string? dataDir, string outDir, bool overwrite, DataSetOptions data, ILogger logger,
        EnsembleMemberKinds? kinds = null)
    {
        Reporting.ReportFolder.Check(outDir, overwrite);
        var (system, manifest) = ModelBundleLoader.Load(modelDir, kinds);
        using (system)
        {
            Frame? train = null;
            Reporting.LabelledTest? test = null;
            var sameData = false;
            if (dataDir is not null)
            {
                var set = DataSet.Load(dataDir, data, logger);
                ModelBundleLoader.CheckColumns(manifest, set.Train, FrameReader.Display(FrameReader.ListSources(Path.Combine(dataDir, DataSet.TrainFolder))[0], dataDir));
                train = set.Train;
                sameData = ModelBundle.Fingerprint(set.Train) == manifest.DataFingerprint;
                if (set.Test is { } frame)
                {
                    ModelBundleLoader.CheckColumns(manifest, frame, FrameReader.Display(FrameReader.ListSources(Path.Combine(dataDir, DataSet.TestFolder))[0], dataDir));
                    var (labels, truth) = TestLabels(frame.RowIds, frame, dataDir, logger);
                    test = labels is null ? null : new Reporting.LabelledTest(frame, labels, truth);
                }
            }
            var report = Reporting.TrainingReportBuilder.Build(system, manifest.Split, modelDir, dataDir, sameData, train, test, timings: null);
            Reporting.TrainingReportWriter.Write(outDir, report, system.Options.Parallel, overwrite);
            return report;
        }
    }

    /// <summary>The folder of <c>cvr run</c>'s training report, inside its output folder.</summary>
    public const string RunReportFolder = "report";

    /// <summary>Train, predict and evaluate in one go: the main job. Writes model/, submission.csv, metrics.json and
    /// the training report (with the test day when its labels are known) into report/.</summary>
    /// <param name="writeReport">false: no report/, and one an earlier run left in <paramref name="outDir"/> is
    /// removed, so the folder never holds a report of another model.</param>
    public static RunReport Run(string dataDir, string outDir, TrainingOptions options, DataSetOptions data, ILogger logger, PhaseTimer timer, CancellationToken ct,
        IProgress<ModelProgress>? progress = null, EnsembleMemberKinds? kinds = null, bool writeReport = true)
    {
        Directory.CreateDirectory(outDir);
        var reportDir = Path.Combine(outDir, RunReportFolder);
        if (writeReport) { Reporting.ReportFolder.Check(reportDir, overwrite: true); }
        var model = Path.Combine(outDir, "model");
        var submission = Path.Combine(outDir, "submission.csv");
        var (system, set) = TrainSystem(dataDir, model, options, data, logger, timer, ct, progress, kinds);
        using (system)
        {
            var labelledAds = set.Train.TryGetCategorical(AdColumn, out var ads) ? ads.Levels.ToHashSet() : null;
            var trained = Report(system, null, timer, model, null);
            var (scores, test) = Predict(model, dataDir, submission, data, logger, timer, kinds);
            var (testMetrics, newAds, labels) = timer.Time("evaluate", () => EvaluateTest(scores, test, dataDir, labelledAds, logger));
            if (writeReport)
            {
                WriteReport(system, model, dataDir, set.Train, labels is null ? null : new Reporting.LabelledTest(test, labels.Value.Installed, labels.Value.Truth, scores),
                    timer, reportDir, logger);
            }
            else if (Directory.Exists(reportDir))
            {
                Directory.Delete(reportDir, recursive: true);
                logger.LogInformation("removed {Report}: an earlier run's training report, of another model", reportDir);
            }
            var report = trained with
            {
                Test = testMetrics, TestNewAds = newAds, Submission = submission, PhaseSeconds = timer.Seconds(),
                Report = writeReport ? Path.Combine(reportDir, Reporting.TrainingReportWriter.HtmlName) : null,
            };
            IO.AtomicFile.WriteAllText(Path.Combine(outDir, "metrics.json"), JsonSerializer.Serialize(report, ModelBundle.Json));
            return report;
        }
    }

    /// <summary>The five rows on the test day, when its labels are known (in the test files or a truth file), over
    /// every test row and over the rows whose ad (<see cref="AdColumn"/>) no labelled day has; and the labels.</summary>
    private static (DayMetrics? All, DayMetrics? NewAds, (byte[] Installed, double[]? Truth)? Labels) EvaluateTest(ModelScores scores, Frame test, string dataDir,
        HashSet<int>? labelledAds, ILogger logger)
    {
        var day = test.Days.Length == 0 ? 0 : test.Days.Max();
        var (labels, truth) = TestLabels(scores.RowIds, test, dataDir, logger);
        if (labels is null)
        {
            return (null, null, null);
        }
        var all = scores.Evaluate(day, labels, truth);
        if (labelledAds is null || !test.TryGetCategorical(AdColumn, out var ads))
        {
            return (all, null, (labels, truth));
        }
        var rows = NewAdRows(ads, labelledAds);
        if (rows.Length == 0)
        {
            return (all, null, (labels, truth));
        }
        return (all, scores.Select(rows).Evaluate(day, SplitLabels.At(labels, rows), truth is null ? null : SplitLabels.At(truth, rows)), (labels, truth));
    }

    /// <summary>Rows whose value of <paramref name="ads"/> is not among <paramref name="labelledAds"/> (a missing value is
    /// not an ad, so never new): of every row, or, with <paramref name="rows"/>, positions into those rows.</summary>
    internal static int[] NewAdRows(CategoricalColumn ads, HashSet<int> labelledAds, int[]? rows = null)
    {
        var found = new List<int>();
        var count = rows?.Length ?? ads.Codes.Length;
        for (var i = 0; i < count; i++)
        {
            var code = ads.Codes[rows is null ? i : rows[i]];
            if (code != CategoricalColumn.Missing && !labelledAds.Contains(ads.Levels[code])) { found.Add(i); }
        }
        return [.. found];
    }

    /// <summary>The ads (values of <paramref name="ads"/>) on <paramref name="rows"/>.</summary>
    internal static HashSet<int> AdsOn(CategoricalColumn ads, int[] rows)
        => [.. rows.Select(r => ads.Codes[r]).Where(c => c != CategoricalColumn.Missing).Select(c => ads.Levels[c])];

    /// <summary>The install labels (and true probabilities, when known) of test rows <paramref name="rowIds"/>, in
    /// that order: from the test files when they carry labels, else from <c>truth/test.csv</c>; null when neither.</summary>
    internal static (byte[]? Labels, double[]? Truth) TestLabels(long[] rowIds, Frame test, string dataDir, ILogger logger)
    {
        if (test.HasLabels)
        {
            return (test.Label(Schema.InstallLabel).Values, null);
        }
        var truthFile = Path.Combine(dataDir, "truth", "test.csv");
        if (!File.Exists(truthFile))
        {
            logger.LogInformation("no labels for the test day (no truth/test.csv): test metrics skipped");
            return (null, null);
        }
        var truth = NumericTable.Read(truthFile, [Submission.RowIdColumn, Schema.InstallLabel], [SubmissionEvaluator.TruthProbability]);
        var installed = SubmissionEvaluator.Labels(truthFile, Schema.InstallLabel, truth.Column(Schema.InstallLabel));
        if (truth.Has(SubmissionEvaluator.TruthProbability))
        {
            SubmissionEvaluator.CheckProbabilities(truthFile, SubmissionEvaluator.TruthProbability, truth.Column(SubmissionEvaluator.TruthProbability));
        }
        var byId = new Dictionary<long, int>(truth.Rows);
        var ids = truth.Column(Submission.RowIdColumn);
        for (var i = 0; i < ids.Length; i++) { byId[(long)ids[i]] = i; }
        var labels = new byte[rowIds.Length];
        var p = truth.Has(SubmissionEvaluator.TruthProbability) ? new double[labels.Length] : null;
        for (var i = 0; i < labels.Length; i++)
        {
            if (!byId.TryGetValue(rowIds[i], out var t))
            {
                throw DataError.File(truthFile, $"no truth for test RowId {rowIds[i]} (expected one line per test row)");
            }
            labels[i] = installed[t];
            if (p is not null) { p[i] = truth.Column(SubmissionEvaluator.TruthProbability)[t]; }
        }
        return (labels, p);
    }

    internal static RunReport Report(TrainedSystem system, DayMetrics? test, PhaseTimer timer, string model, string? submission)
        => new(system.ValidationMetrics, test, system.OmegaTs, system.OmegaE2e, system.EnsembleWeight,
            system.Models.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.BestIteration))
                .Concat(system.Members.Select(m => KeyValuePair.Create(m.Model.Name, m.Model.BestIteration))).ToDictionary(StringComparer.Ordinal), timer.Seconds(), model, submission,
            system.EnsembleWeights, system.Members.ToDictionary(m => m.Model.Name, m => m.Omega, StringComparer.Ordinal));
}
