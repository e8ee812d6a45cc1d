using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>One feature's distribution across the splits and what to do about it (paper 2.1.3 and 3.1, Figure 1).</summary>
/// <param name="Class">consistent, inconsistent or anomalous (the paper's three types).</param>
/// <param name="Anomaly">constant, alternating by day, near single-valued or disjoint; null unless anomalous.</param>
/// <param name="TopShare">The largest share one value (missing counted as a value) holds in any split.</param>
public sealed record DistributionResult(string Column, string Kind, IReadOnlyList<ShiftScore> Shift, double TopShare,
    string Class, string? Anomaly, string Reason, string Recommendation, bool PaperDrops, Density? Density);

/// <summary>Sorts each feature into the paper's classes from its shift scores and value shares.</summary>
internal static class Classification
{
    public const string Consistent = "consistent";
    public const string Inconsistent = "inconsistent";
    public const string Anomalous = "anomalous";

    public const string ConstantAnomaly = "constant";
    public const string AlternatingAnomaly = "alternating by day";
    public const string NearSingleAnomaly = "near single-valued";
    public const string DisjointAnomaly = "disjoint";

    /// <summary>One value (or missing) covering this share of a split leaves almost no information (paper: f_23).</summary>
    public const double NearSingleShare = 0.99;

    /// <summary>PSI from which a shift is "major" (the credit-scoring convention: &lt; 0.1 stable, 0.1–0.25 moderate).</summary>
    public const double InconsistentPsi = 0.25;

    /// <summary>KS statistic from which a numeric's shift is too large to call consistent.</summary>
    public const double InconsistentKs = 0.1;

    /// <summary>Share of rows on values the reference never had from which a categorical is inconsistent (ad churn).</summary>
    public const double InconsistentUnseen = 0.05;

    /// <summary>Beyond this the splits hardly overlap at all: the paper's "completely inconsistent" anomaly.</summary>
    public const double DisjointScore = 0.9;

    public const string Drop = "drop";
    public const string Keep = "keep";
    public const string KeepShifted = "keep, shifted: validate on the last labelled day, prefer encodings fitted on recent days";

    public static DistributionResult Classify(ColumnDistribution c, IReadOnlyList<ShiftScore> shift, double? lambdaDay,
        Density? density, IReadOnlyList<string> names)
    {
        double topShare = 0;
        var topSplit = names[0];
        for (var s = 0; s < c.SplitCount; s++)
        {
            if (c.Rows(s) == 0) { continue; }
            var share = Math.Max(c.Missing[s], c.Counts[s].DefaultIfEmpty(0).Max()) / (double)c.Rows(s);
            if (share > topShare) { (topShare, topSplit) = (share, names[s]); }
        }
        var distinct = c.Pooled(Enumerable.Range(0, c.SplitCount).ToArray()).Count(n => n > 0);
        var (cls, anomaly, reason) = Decide(c.Kind, distinct, shift, lambdaDay, topShare, topSplit);
        var recommendation = cls switch
        {
            Anomalous => Drop,
            Inconsistent => KeepShifted,
            _ => Keep,
        };
        return new DistributionResult(c.Name, ColumnProfiles.KindName(c.Kind), shift, topShare, cls, anomaly, reason,
            recommendation, PaperTables.Dropped.Contains(c.Name), density);
    }

    internal static (string Class, string? Anomaly, string Reason) Decide(ColumnKind kind, int distinct,
        IReadOnlyList<ShiftScore> shift, double? lambdaDay, double topShare, string topSplit)
    {
        if (distinct <= 1)
        {
            return (Anomalous, ConstantAnomaly, "one value in every split: no information");
        }
        if (lambdaDay >= ColumnProfiles.DayLambda)
        {
            return (Anomalous, AlternatingAnomaly, $"its main value changes with the day (λ given the day = {lambdaDay:F2}), like a weekday code");
        }
        if (topShare >= NearSingleShare)
        {
            return (Anomalous, NearSingleAnomaly, $"one value holds {topShare:P2} of {topSplit}");
        }
        // Shifts that matter are the ones the model meets: into validation and into test.
        var worstPsi = shift.Select(s => s.Psi).DefaultIfEmpty(0).Max();
        var worstKs = shift.Select(s => s.Ks ?? 0).DefaultIfEmpty(0).Max();
        var worstUnseen = shift.Select(s => s.Unseen).DefaultIfEmpty(0).Max();
        var categorical = kind == ColumnKind.Categorical;
        if (worstKs >= DisjointScore || (categorical && worstUnseen >= DisjointScore))
        {
            return (Anomalous, DisjointAnomaly, $"the splits barely overlap (KS {worstKs:F2}, unseen {worstUnseen:P1})");
        }
        if (worstPsi >= InconsistentPsi || worstKs >= InconsistentKs || (categorical && worstUnseen >= InconsistentUnseen))
        {
            return (Inconsistent, null, categorical
                ? $"PSI up to {worstPsi:F3}, up to {worstUnseen:P1} of rows on unseen values"
                : $"PSI up to {worstPsi:F3}, KS up to {worstKs:F3}");
        }
        return (Consistent, null, categorical
            ? $"PSI ≤ {worstPsi:F3}, unseen ≤ {worstUnseen:P1}"
            : $"PSI ≤ {worstPsi:F3}, KS ≤ {worstKs:F3}");
    }
}
