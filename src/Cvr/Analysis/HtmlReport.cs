using System.Text;
using Cvr.Reporting;

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

    private static void Open(StringBuilder h, string id, string title) => Html.Open(h, id, title);

    private static void Image(StringBuilder h, IReadOnlyDictionary<string, byte[]> charts, string id, string alt) => Html.Image(h, charts, id, alt);

    private static void Table(StringBuilder h, IReadOnlyList<string> header, IEnumerable<string[]> rows) => Html.Table(h, header, rows);

    private static string L(string text, string? css = null) => Html.L(text, css);

    private static string E(string s) => Html.E(s);

    private static string Inv(FormattableString s) => Html.Inv(s);

    private static string Pct(double? v, int digits = 2) => Html.Pct(v, digits);

    private static string Num(double? v, string format = "G6") => Html.Num(v, format);
}
