using System.Globalization;
using System.Net;
using System.Text;

namespace Cvr.Reporting;

/// <summary>
/// The pieces every cvr report page is made of (the data report of <c>cvr analyze</c>, the training report): one
/// self-contained page with inline CSS, charts as base64 PNG data URIs, and one small inline script that marks the
/// body with <c>data-images-ok</c> once every image has decoded (what the browser tests read). No link leaves the
/// file, so it opens offline.
/// </summary>
internal static class Html
{
    private const string Style = """
        body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:24px auto;max-width:1180px;color:#222;line-height:1.4}
        h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:2em}
        nav a{margin-right:1em}table{border-collapse:collapse;margin:.6em 0;font-size:.86em}
        th,td{border:1px solid #ccc;padding:3px 7px;text-align:right;vertical-align:top}
        th{background:#f3f3f3}td.l,th.l{text-align:left}.note{color:#666;font-size:.9em}
        .bad{background:#fde2e2}.warn{background:#fff3cd}.ok{background:#e6f4ea}
        .grid{display:flex;flex-wrap:wrap;gap:8px}.grid figure{margin:0}.grid img{width:520px;height:auto}
        .leftout{background:#fff3cd;padding:8px 12px;border:1px solid #e0c36a}
        .scroll{overflow-x:auto}.small table{font-size:.72em}
        """;

    private const string ImageCheckScript = """
        (function(){
          function mark(){
            var imgs=document.images, ok=imgs.length>0;
            for(var i=0;i<imgs.length;i++){ if(!imgs[i].complete||imgs[i].naturalWidth===0){ ok=false; } }
            document.body.setAttribute('data-images-ok', ok?'true':'false');
            document.body.setAttribute('data-image-count', String(imgs.length));
          }
          if(document.readyState==='complete'){ mark(); } else { window.addEventListener('load', mark); }
        })();
        """;

    /// <summary>The page's head and its heading.</summary>
    public static StringBuilder Begin(string title, string heading)
    {
        var h = new StringBuilder(1 << 20);
        h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title><style>")
            .Append(Style).Append("</style></head>\n<body>\n");
        h.Append("<h1>").Append(E(heading)).Append("</h1>\n");
        return h;
    }

    /// <summary>A navigation bar to the sections <paramref name="sectionIds"/>.</summary>
    public static void Nav(StringBuilder h, IEnumerable<string> sectionIds)
    {
        h.Append("<nav>");
        foreach (var id in sectionIds) { h.Append("<a href=\"#").Append(id).Append("\">").Append(id.Replace('-', ' ')).Append("</a>"); }
        h.Append("</nav>\n");
    }

    /// <summary>A "left out" box listing what the page does not show and why.</summary>
    public static void LeftOut(StringBuilder h, IReadOnlyCollection<string> notes)
    {
        if (notes.Count == 0) { return; }
        h.Append("<div class=\"leftout\" id=\"left-out\"><b>Left out:</b><ul>");
        foreach (var note in notes) { h.Append("<li>").Append(E(note)).Append("</li>"); }
        h.Append("</ul></div>\n");
    }

    public static string End(StringBuilder h)
    {
        h.Append("<script>").Append(ImageCheckScript).Append("</script>\n</body></html>\n");
        return h.ToString();
    }

    public static void Open(StringBuilder h, string id, string title)
        => h.Append("<section id=\"").Append(id).Append("\"><h2>").Append(E(title)).Append("</h2>\n");

    public static void Close(StringBuilder h) => h.Append("</section>\n");

    public static void Image(StringBuilder h, IReadOnlyDictionary<string, byte[]> charts, string id, string alt)
    {
        if (!charts.TryGetValue(id, out var png)) { return; }
        h.Append("<figure><img alt=\"").Append(E(alt)).Append("\" src=\"data:image/png;base64,")
            .Append(Convert.ToBase64String(png)).Append("\"></figure>\n");
    }

    /// <summary>Cells are pre-rendered HTML: <see cref="L"/> marks left-aligned text, anything else is right-aligned.</summary>
    public static void Table(StringBuilder h, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        h.Append("<table><tr>");
        foreach (var c in header) { h.Append("<th>").Append(E(c)).Append("</th>"); }
        h.Append("</tr>\n");
        foreach (var row in rows)
        {
            h.Append("<tr>");
            foreach (var cell in row)
            {
                h.Append(cell.StartsWith("<td", StringComparison.Ordinal) ? cell : "<td>" + cell + "</td>");
            }
            h.Append("</tr>\n");
        }
        h.Append("</table>\n");
    }

    /// <summary>A left-aligned text cell, optionally with a CSS class.</summary>
    public static string L(string text, string? css = null)
        => $"<td class=\"l{(css is null ? "" : " " + css)}\">{E(text)}</td>";

    public static string E(string s) => WebUtility.HtmlEncode(s);

    public static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    public static string Pct(double? v, int digits = 2) => v is { } x ? x.ToString("P" + digits, CultureInfo.InvariantCulture) : "–";

    public static string Num(double? v, string format = "G6") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "–";
}
