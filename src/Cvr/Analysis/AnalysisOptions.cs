namespace Cvr.Analysis;

/// <summary>What <see cref="DataAnalyzer"/> looks at and how wide it runs.</summary>
public sealed record AnalysisOptions
{
    /// <summary>The ad id that domains are guessed against (paper 2.1.1: f_4 and other ad columns follow f_6).</summary>
    public string AdIdColumn { get; init; } = "f_6";

    /// <summary>
    /// The entities whose day-to-day churn the report follows. The data has no named id columns: by default ads are
    /// the ad id f_6 and apps f_2 (an ad column with ~136 values, app-like; paper Table 1, data-format.md).
    /// </summary>
    public IReadOnlyList<ChurnEntity> ChurnEntities { get; init; } = [new("ads", "f_6"), new("apps", "f_2")];

    /// <summary>Rows sampled (evenly, deterministically) for the within-ad dependence measure.</summary>
    public int DependenceSampleRows { get; init; } = 400_000;

    /// <summary>Render the charts (the HTML needs them; report.json alone does not).</summary>
    public bool RenderCharts { get; init; } = true;

    public int? MaxDegreeOfParallelism { get; init; }

    internal ParallelOptions Parallel => new() { MaxDegreeOfParallelism = MaxDegreeOfParallelism ?? Environment.ProcessorCount };
}
