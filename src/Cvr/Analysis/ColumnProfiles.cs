using Cvr.Data;

namespace Cvr.Analysis;

public sealed record TopValue(double Value, double Share);

/// <summary>One feature column: kind, distinct values per split, most frequent train values and its guessed domain.</summary>
/// <param name="AdDependence">How far the column is a function of the ad id, 1 = one value per ad: Goodman–Kruskal lambda for
/// categoricals, the correlation ratio η² for binaries and numerics (the ad block drifts a little from day to day within an
/// ad, which lambda, counting exact repeats, would miss).</param>
/// <param name="LambdaDay">The same against the day: high for a code that changes with the day (f_9).</param>
public sealed record ColumnProfile(string Column, string Kind, IReadOnlyDictionary<string, int> Cardinality,
    IReadOnlyList<TopValue> TopValues, double? AdDependence, double? LambdaDay, string GuessedDomain, string Evidence, string? PaperDomain);

/// <summary>
/// Profiles the feature columns and guesses each one's domain from the data (paper 2.1.1, Table 1): a column that is
/// (nearly) a function of the ad id is an ad column; one that changes with the day is a time column; the rest are
/// split by kind, categoricals to user (by elimination: the data has no user id to test against) and counts to
/// interaction (they vary within an ad).
/// </summary>
internal static class ColumnProfiles
{
    public const string Constant = "constant";
    public const string Time = "time";

    /// <summary>Dependence on the ad id from which a column counts as an ad column (f_4 is "mostly, not strictly" a function of f_6).</summary>
    public const double AdDependenceMin = 0.8;

    /// <summary>Lambda against the day from which a column counts as a time code.</summary>
    public const double DayLambda = 0.5;

    public const int TopValueCount = 5;

    public static IReadOnlyList<ColumnProfile> Build(SplitLayout layout, IReadOnlyList<ColumnDistribution> columns,
        AnalysisOptions options, ParallelOptions parallel)
    {
        var frame = layout.TrainFrame;
        var rows = Dependence.SampleRows(frame.RowCount, options.DependenceSampleRows);
        var hasAd = frame.TryGetCategorical(options.AdIdColumn, out var ad);
        var adGroups = hasAd ? rows.Select(r => ad.Codes[r]).ToArray() : [];
        var dayGroups = rows.Select(r => frame.Days[r]).ToArray();
        var specs = columns.Select(c => frame.Schema.Columns[frame.Schema.IndexOf(c.Name)]).ToArray();
        var result = new ColumnProfile[columns.Count];
        Parallel.For(0, columns.Count, parallel, i =>
        {
            var keys = Dependence.Keys(frame, specs[i], rows);
            double? adDependence = !hasAd || columns[i].Name == options.AdIdColumn ? null
                : specs[i].Kind == ColumnKind.Categorical ? Finite(Dependence.Lambda(adGroups, keys))
                : Finite(Dependence.EtaSquared(ad.Codes, ad.Cardinality, frame.Numeric(specs[i].Name).Values));
            double? lambdaDay = Finite(Dependence.Lambda(dayGroups, keys));
            result[i] = Profile(layout, columns[i], adDependence, lambdaDay, options.AdIdColumn);
        });
        return result;
    }

    private static ColumnProfile Profile(SplitLayout layout, ColumnDistribution c, double? adDependence, double? lambdaDay, string adId)
    {
        var cardinality = Enumerable.Range(0, layout.Count).ToDictionary(s => layout.Names[s], c.Cardinality);
        double trainRows = Math.Max(1, c.Rows(0));
        var top = Enumerable.Range(0, c.Values.Length).Where(i => c.Counts[0][i] > 0)
            .OrderByDescending(i => c.Counts[0][i]).ThenBy(i => i).Take(TopValueCount)
            .Select(i => new TopValue(c.Values[i], c.Counts[0][i] / trainRows)).ToArray();
        var distinct = c.Pooled(Enumerable.Range(0, c.SplitCount).ToArray()).Count(n => n > 0);
        var (domain, evidence) = Guess(c, distinct, adDependence, lambdaDay, adId);
        return new ColumnProfile(c.Name, KindName(c.Kind), cardinality, top, adDependence, lambdaDay, domain, evidence, PaperTables.Domain(c.Name));
    }

    internal static (string Domain, string Evidence) Guess(ColumnDistribution c, int distinct, double? adDependence, double? lambdaDay, string adId)
    {
        if (distinct <= 1) { return (Constant, "one value"); }
        if (c.Name == adId) { return (PaperTables.Ad, "the ad id the others are measured against"); }
        var measure = c.Kind == ColumnKind.Categorical ? "λ" : "η²";
        if (adDependence >= AdDependenceMin) { return (PaperTables.Ad, $"a function of {adId} ({measure} = {adDependence:F2})"); }
        if (lambdaDay >= DayLambda) { return (Time, $"changes with the day (λ = {lambdaDay:F2})"); }
        return c.Kind == ColumnKind.Categorical
            ? (PaperTables.User, $"varies within an ad ({measure} = {adDependence:F2}); no user id to test, so user by elimination")
            : (PaperTables.Interaction, $"varies within an ad ({measure} = {adDependence:F2})");
    }

    internal static string KindName(ColumnKind kind) => kind switch
    {
        ColumnKind.Categorical => "categorical",
        ColumnKind.Binary => "binary",
        _ => "numeric",
    };

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
