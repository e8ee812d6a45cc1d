using System.Diagnostics;
using Cvr.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Analysis;

/// <summary>
/// The data report of the paper's section 2: overview, columns and domains (Table 1), base values (Table 2), missing
/// values, distributions and shift (Figure 1), duplicates and label conflicts (Table 3); beyond the paper, entity churn.
/// </summary>
public static class DataAnalyzer
{
    public static AnalysisResult Analyze(DataSet data, AnalysisOptions? options = null, ILogger? logger = null)
        => Analyze(data.Root, data.Train, data.Test, options, logger);

    public static AnalysisResult Analyze(string name, Frame train, Frame? test, AnalysisOptions? options = null, ILogger? logger = null)
    {
        options ??= new AnalysisOptions();
        logger ??= NullLogger.Instance;
        var parallel = options.Parallel;
        var timings = new List<SectionTiming>();
        T Timed<T>(string section, Func<T> work)
        {
            var watch = Stopwatch.StartNew();
            var result = work();
            timings.Add(new SectionTiming(section, watch.Elapsed.TotalSeconds));
            logger.LogInformation("analysis: {Section} in {Seconds:F2} s", section, watch.Elapsed.TotalSeconds);
            return result;
        }

        var layout = SplitLayout.Of(train, test);
        var overview = Timed("overview", () => Overviews.Build(layout));
        var columns = Timed("value counts", () => DistributionBuilder.Build(layout, parallel));
        var profiles = Timed("columns", () => ColumnProfiles.Build(layout, columns, options, parallel));
        var bases = Timed("base values", () => columns.Where(c => c.Kind == ColumnKind.Numeric)
            .Select(c => BaseValues.Detect(c, PaperTables.Base(c.Name))).ToArray());
        var missing = Timed("missing values", () => MissingValues.Analyze(layout, columns));
        var distributions = Timed("distributions", () => Distributions(layout, columns, profiles, parallel));
        var duplicates = Timed("duplicates", () => DuplicatesOf(layout, columns, profiles, options, parallel));
        var churn = Timed("entity churn", () => Churn.Build(layout, options.ChurnEntities, parallel));
        var report = new AnalysisReport(name, layout.Names, layout.ValidationDay, LeftOut(layout, options), overview, profiles, bases,
            missing, distributions, duplicates, churn, timings);
        var charts = options.RenderCharts
            ? Timed("charts", () => Charts.Render(report, parallel))
            : new Dictionary<string, byte[]>();
        return new AnalysisResult(report, charts);
    }

    private static DistributionResult[] Distributions(SplitLayout layout, IReadOnlyList<ColumnDistribution> columns,
        IReadOnlyList<ColumnProfile> profiles, ParallelOptions parallel)
    {
        var pairs = new List<(int From, int To)>();
        if (layout.ValidationIndex is { } v) { pairs.Add((0, v)); }
        if (layout.TestIndex is { } t)
        {
            pairs.Add((0, t));
            if (layout.ValidationIndex is { } v2) { pairs.Add((v2, t)); }
        }
        var result = new DistributionResult[columns.Count];
        Parallel.For(0, columns.Count, parallel, i =>
        {
            var c = columns[i];
            var shift = pairs.Select(p => Shift.Compare(c, p.From, p.To, layout.Names)).ToArray();
            result[i] = Classification.Classify(c, shift, profiles[i].LambdaDay, Densities.Of(c, layout.Names), layout.Names);
        });
        return result;
    }

    private static DuplicateReport DuplicatesOf(SplitLayout layout, IReadOnlyList<ColumnDistribution> columns,
        IReadOnlyList<ColumnProfile> profiles, AnalysisOptions options, ParallelOptions parallel)
    {
        var splits = Duplicates.Count(layout.TrainFrame, layout.TrainSplitOfRow, 0, layout.Names, parallel).ToList();
        if (layout.TestFrame is not null)
        {
            splits.AddRange(Duplicates.Count(layout.TestFrame, null, layout.TestIndex!.Value, layout.Names, parallel));
        }
        // The ad id and every column that behaves like an ad column (the paper looked at f_51 and f_64).
        var adColumns = columns.Where((c, i) => c.Name == options.AdIdColumn || profiles[i].GuessedDomain == PaperTables.Ad);
        return new DuplicateReport(Duplicates.Definition, splits, Duplicates.UnseenInTest(layout, adColumns));
    }

    private static List<string> LeftOut(SplitLayout layout, AnalysisOptions options)
    {
        var notes = new List<string>();
        if (layout.TestFrame is null)
        {
            notes.Add("test split: the data set has no test/ folder, so the test columns, the shifts into test, test duplicates, unseen test ads and the test day's entity churn are left out");
        }
        if (!layout.TrainFrame.HasLabels)
        {
            notes.Add("labels: the training data has no is_clicked/is_installed, so label rates, the joint table and label conflicts are left out");
        }
        if (layout.ValidationDay is null)
        {
            notes.Add("validation split: the training data covers a single day, so there is no validation day to compare, and entity churn has no earlier day (every entity is new on the one day)");
        }
        if (!layout.TrainFrame.TryGetCategorical(options.AdIdColumn, out _))
        {
            notes.Add("domains: no ad id column, so no column is tested for being an ad column");
        }
        foreach (var e in options.ChurnEntities.Where(e => !layout.TrainFrame.TryGetCategorical(e.Column, out _)))
        {
            notes.Add($"entity churn: no categorical column {e.Column} for {e.Name}, so their churn is left out");
        }
        return notes;
    }
}
