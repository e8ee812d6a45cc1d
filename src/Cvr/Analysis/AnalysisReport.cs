namespace Cvr.Analysis;

public sealed record SectionTiming(string Section, double Seconds);

/// <summary>Everything the report states, as written to report.json (the HTML shows the same numbers).</summary>
/// <param name="LeftOut">Sections or parts left out, and why (no test folder, no labels, one day only).</param>
public sealed record AnalysisReport(
    string Data,
    IReadOnlyList<string> Splits,
    int? ValidationDay,
    IReadOnlyList<string> LeftOut,
    Overview Overview,
    IReadOnlyList<ColumnProfile> Columns,
    IReadOnlyList<BaseValueResult> BaseValues,
    MissingReport Missing,
    IReadOnlyList<DistributionResult> Distributions,
    DuplicateReport Duplicates,
    ChurnReport Churn,
    IReadOnlyList<SectionTiming> Timings);

/// <summary>The report and its rendered charts (chart id → PNG bytes), ready to write.</summary>
public sealed record AnalysisResult(AnalysisReport Report, IReadOnlyDictionary<string, byte[]> Charts);
