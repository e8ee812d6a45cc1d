using System.Text;
using Cvr.Reporting;
using static Cvr.Reporting.Html;

namespace Cvr.Analysis;

/// <summary>The data report as one self-contained HTML page (see <see cref="Html"/>).</summary>
internal static partial class HtmlReport
{
    public static readonly string[] SectionIds = ["overview", "columns", "base-values", "missing", "distributions", "duplicates", "churn", "timings"];

    public static string Render(AnalysisResult result)
    {
        var r = result.Report;
        var h = Html.Begin("cvr data report", "Data report: " + r.Data);
        h.Append("<p class=\"note\">Reproduces section 2 of the paper (Tables 1–3, Figure 1) on this data. Splits: ")
            .Append(E(string.Join(", ", r.Splits)));
        if (r.ValidationDay is { } v) { h.Append(Inv($"; validation = day {v}, the last labelled day")); }
        h.Append(". Every number is also in report.json.</p>\n");
        Html.Nav(h, SectionIds);
        Html.LeftOut(h, r.LeftOut);
        OverviewSection(h, r, result.Charts);
        ColumnsSection(h, r);
        BaseValuesSection(h, r);
        MissingSection(h, r);
        DistributionsSection(h, r, result.Charts);
        DuplicatesSection(h, r);
        ChurnSection(h, r, result.Charts);
        TimingsSection(h, r);
        return Html.End(h);
    }

    private static void TimingsSection(StringBuilder h, AnalysisReport r)
    {
        Open(h, "timings", "Timings");
        Table(h, ["section", "seconds"], r.Timings.Select(t => new[] { L(t.Section), Inv($"{t.Seconds:F2}") }));
        h.Append("</section>\n");
    }
}
