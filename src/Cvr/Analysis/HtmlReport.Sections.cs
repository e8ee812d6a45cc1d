using System.Text;
using static Cvr.Reporting.Html;

namespace Cvr.Analysis;

internal static partial class HtmlReport
{
    private static void OverviewSection(StringBuilder h, AnalysisReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "overview", "Overview: rows per day and split, labels");
        Image(h, charts, Charts.RowsPerDayId, "rows per day");
        Table(h, ["split", "days", "rows", "click rate", "install rate", "like rate", "(0,0)", "(1,0)", "(0,1)", "(1,1)"],
            r.Overview.Splits.Select(s => new[]
            {
                L(s.Split), Inv($"{s.FirstDay}..{s.LastDay}"), Inv($"{s.Rows:N0}"), Pct(s.ClickRate), Pct(s.InstallRate), Pct(s.LikeRate),
                Pct(s.Joint?["(0,0)"]), Pct(s.Joint?["(1,0)"]), Pct(s.Joint?["(0,1)"]), Pct(s.Joint?["(1,1)"]),
            }));
        h.Append("<p class=\"note\">(is_clicked, is_installed) shares of rows; like = clicked or installed (paper 4.1.2). "
            + "Real data (data-format.md): click 21.98%, install 17.40%, (0,0) 67.73%, (1,0) 14.87%, (0,1) 10.29%, (1,1) 7.11%.</p>\n");
        // Days across, so 23 days take three lines rather than a screen.
        var days = r.Overview.RowsPerDay;
        h.Append("<div class=\"scroll small\">");
        Table(h, ["day", .. days.Select(d => Inv($"{d.Day}"))],
        [
            [L("split"), .. days.Select(d => L(d.Split == SplitLayout.ValidationName ? "valid." : d.Split))],
            [L("rows"), .. days.Select(d => Inv($"{d.Rows:N0}"))],
        ]);
        h.Append("</div>\n");
        h.Append("</section>\n");
    }

    private static void ColumnsSection(StringBuilder h, AnalysisReport r)
    {
        Open(h, "columns", "Columns and guessed domains (Table 1)");
        var compared = r.Columns.Where(c => c.PaperDomain is not null).ToArray();
        var agree = compared.Count(c => c.GuessedDomain == c.PaperDomain);
        h.Append(Inv($"<p>The data's guess agrees with the paper's Table 1 on {agree} of the {compared.Length} columns the paper classifies. "))
            .Append("Ad dependence: how far the column is a function of the ad id (f_6): Goodman–Kruskal lambda for categoricals, the correlation ratio η² for numerics; λ day: the same lambda against the day.</p>\n");
        var domains = new[] { PaperTables.User, PaperTables.Ad, PaperTables.Interaction, ColumnProfiles.Time, ColumnProfiles.Constant };
        Table(h, ["domain", "guessed from the data", "paper's Table 1"], domains.Select(d => new[]
        {
            L(d), L(Join(r.Columns.Where(c => c.GuessedDomain == d).Select(c => c.Column))),
            L(Join(r.Columns.Where(c => c.PaperDomain == d).Select(c => c.Column))),
        }));
        var header = new List<string> { "column", "kind" };
        header.AddRange(r.Splits.Select(s => "distinct in " + s));
        header.AddRange(["top train values (share)", "ad dependence", "λ day", "guessed", "paper", "evidence"]);
        Table(h, header, r.Columns.Select(c =>
        {
            var cells = new List<string> { L(c.Column), L(c.Kind) };
            cells.AddRange(r.Splits.Select(s => Inv($"{c.Cardinality.GetValueOrDefault(s):N0}")));
            cells.Add(L(string.Join(", ", c.TopValues.Select(t => Inv($"{t.Value:G7} ({t.Share:P1})")))));
            cells.Add(Num(c.AdDependence, "F2"));
            cells.Add(Num(c.LambdaDay, "F2"));
            var css = c.PaperDomain is null ? null : c.PaperDomain == c.GuessedDomain ? "ok" : "warn";
            cells.Add(L(c.GuessedDomain, css));
            cells.Add(L(c.PaperDomain ?? "–"));
            cells.Add(L(c.Evidence));
            return cells.ToArray();
        }));
        h.Append("</section>\n");
    }

    private static void BaseValuesSection(StringBuilder h, AnalysisReport r)
    {
        Open(h, "base-values", "Base values (Table 2)");
        var found = r.BaseValues.Count(b => b.Base is not null);
        var matched = r.BaseValues.Count(b => b.Base is { } x && b.PaperBase is { } p && Math.Abs(x / double.Parse(p, System.Globalization.CultureInfo.InvariantCulture) - 1) < 1e-6);
        h.Append(Inv($"<p>A base is found for {found} of {r.BaseValues.Count} numeric columns; {matched} match the paper's Table 2 to 6 digits. "))
            .Append(Inv($"A base counts when ≥ {BaseValues.MinExplainedShare:P0} of the values divide into whole numbers and random values would not (chance share ≤ {BaseValues.MaxChanceShare:P0}).</p>\n"));
        Table(h, ["column", "detected base", "explained share", "chance share", "max count", "paper's base", "note"], r.BaseValues.Select(b =>
        {
            var css = b.PaperBase is null ? (b.Base is null ? null : "warn")
                : b.Base is { } x && Math.Abs(x / double.Parse(b.PaperBase, System.Globalization.CultureInfo.InvariantCulture) - 1) < 1e-6 ? "ok" : "bad";
            return new[]
            {
                L(b.Column), b.Base is { } v ? $"<td class=\"{css}\">{Num(v, "G10")}</td>" : L("none", css), Pct(b.ExplainedShare),
                Pct(b.ChanceShare), b.Base is null ? "–" : Inv($"{b.MaxCount:N0}"), L(b.PaperBase ?? "–"), L(b.Note),
            };
        }));
        h.Append("</section>\n");
    }

    private static void MissingSection(StringBuilder h, AnalysisReport r)
    {
        Open(h, "missing", "Missing values");
        var header = new List<string> { "column" };
        header.AddRange(r.Splits.Select(s => "missing in " + s));
        Table(h, header, r.Missing.Columns.Select(c =>
            new[] { L(c.Column) }.Concat(r.Splits.Select(s => Pct(c.RateBySplit.GetValueOrDefault(s), 1))).ToArray()));
        h.Append(Inv($"<p>Never missing: {E(Join(r.Missing.NeverMissing))}.</p>\n<h3>Columns missing together</h3>\n"));
        h.Append(Inv($"<p class=\"note\">Columns join a block when their missing rows overlap by at least {MissingValues.BlockJaccard:P0} (Jaccard).</p>\n"));
        var blockHeader = new List<string> { "columns", "least overlap" };
        blockHeader.AddRange(r.Splits.Select(s => "all missing in " + s));
        Table(h, blockHeader, r.Missing.Blocks.Select(b =>
            new[] { L(Join(b.Columns)), Pct(b.MinJaccard, 1) }.Concat(r.Splits.Select(s => Pct(b.AllMissingRateBySplit.GetValueOrDefault(s), 1))).ToArray()));
        h.Append("</section>\n");
    }

    private static void DistributionsSection(StringBuilder h, AnalysisReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "distributions", "Distributions and shift (Figure 1)");
        var byClass = r.Distributions.GroupBy(d => d.Class).ToDictionary(g => g.Key, g => g.Count());
        h.Append(Inv($"<p>{byClass.GetValueOrDefault(Classification.Consistent)} consistent, {byClass.GetValueOrDefault(Classification.Inconsistent)} inconsistent, "))
            .Append(Inv($"{byClass.GetValueOrDefault(Classification.Anomalous)} anomalous of {r.Distributions.Count} features (the paper: at least 56 of 79 consistent). "))
            .Append("Drop (anomalous): ").Append(E(Join(r.Distributions.Where(d => d.Recommendation == Classification.Drop).Select(d => d.Column))))
            .Append(". The paper dropped f_9, f_23, f_24, f_47, f_49 (and f_7 in its code).</p>\n");
        h.Append(Inv($"<p class=\"note\">Inconsistent: PSI ≥ {Classification.InconsistentPsi}, KS ≥ {Classification.InconsistentKs} or (categoricals) ≥ {Classification.InconsistentUnseen:P0} of rows on unseen values, in any of the compared pairs. "))
            .Append(Inv($"Anomalous: constant, alternating with the day, one value ≥ {Classification.NearSingleShare:P0} of a split, or disjoint splits.</p>\n"));
        var pairs = r.Distributions.FirstOrDefault()?.Shift.Select(s => $"{s.From}→{s.To}").ToArray() ?? [];
        var header = new List<string> { "column", "kind" };
        foreach (var p in pairs) { header.AddRange([$"PSI {p}", $"KS {p}", $"unseen {p}"]); }
        header.AddRange(["top share", "class", "why", "recommendation", "paper drops"]);
        Table(h, header, r.Distributions.Select(d =>
        {
            var cells = new List<string> { L(d.Column), L(d.Kind) };
            foreach (var s in d.Shift) { cells.AddRange([Num(s.Psi, "F3"), Num(s.Ks, "F3"), Pct(s.Unseen, 1)]); }
            var css = d.Class switch { Classification.Anomalous => "bad", Classification.Inconsistent => "warn", _ => "ok" };
            cells.AddRange([Pct(d.TopShare, 1), L(d.Anomaly is null ? d.Class : $"{d.Class} ({d.Anomaly})", css), L(d.Reason),
                L(d.Recommendation), L(d.PaperDrops ? "yes" : "")]);
            return cells.ToArray();
        }));
        h.Append("<p class=\"note\">Numerics: Gaussian KDE per split (log1p axis for heavy-tailed counts, 0.5% tails cut). "
            + "Categoricals: each split's share of train's 30 most frequent values.</p>\n<div class=\"grid\">\n");
        foreach (var d in r.Distributions) { Image(h, charts, Charts.DistributionId(d.Column), d.Column + " distribution"); }
        h.Append("</div>\n</section>\n");
    }

    private static void DuplicatesSection(StringBuilder h, AnalysisReport r)
    {
        Open(h, "duplicates", "Duplicates and label conflicts (Table 3)");
        h.Append("<p class=\"note\">").Append(E(r.Duplicates.Definition)).Append(".</p>\n");
        Table(h, ["split", "rows", "duplicates", "groups", "conflicts", "paper: duplicates", "paper: conflicts"], r.Duplicates.Splits.Select(s => new[]
        {
            L(s.Split), Inv($"{s.Rows:N0}"), Inv($"{s.Duplicates:N0}"), Inv($"{s.Groups:N0}"), s.Conflicts is { } c ? Inv($"{c:N0}") : "–",
            s.PaperDuplicates is { } pd ? Inv($"{pd:N0}") : "–", s.PaperConflicts is { } pc ? Inv($"{pc:N0}") : "–",
        }));
        if (r.Duplicates.UnseenInTest.Count > 0)
        {
            h.Append("<h3>Test rows on ad values never seen in the labelled days</h3>\n<p class=\"note\">The paper: up to 29.5% (f_51, f_64).</p>\n");
            Table(h, ["column", "share of test rows"], r.Duplicates.UnseenInTest.Select(u => new[] { L(u.Column), Pct(u.Share, 1) }));
        }
        h.Append("</section>\n");
    }

    private static void ChurnSection(StringBuilder h, AnalysisReport r, IReadOnlyDictionary<string, byte[]> charts)
    {
        Open(h, "churn", "Entity churn: new ads and apps per day");
        var entities = r.Churn.Entities;
        h.Append("<p>The data has no named id columns; the report follows ")
            .Append(E(Join(entities.Select(e => $"{e.Entity} = {e.Column}"))))
            .Append(" (configurable). Per day: the share of rows on an entity first seen that day, beside the share of test rows on an entity unseen in every labelled day (train and validation). ");
        foreach (var e in entities)
        {
            var later = e.LabelledDaysAfterTheFirst();
            h.Append(E(e.Entity)).Append(Inv($" ({e.Column}): "));
            if (later.Length > 0)
            {
                h.Append(Inv($"on the labelled days after the first, {later.Average(d => d.NewShare!.Value):P1} of a day's rows are on new {E(e.Entity)} on average ({later.Min(d => d.NewShare!.Value):P1}–{later.Max(d => d.NewShare!.Value):P1})"));
            }
            else
            {
                h.Append("no labelled day after the first");
            }
            if (e.PooledInstallRates() is { New: { } rateNew, Seen: { } rateSeen })
            {
                h.Append(Inv($"; their rows install at {rateNew:P1} against {rateSeen:P1} on {E(e.Entity)} seen before"));
            }
            h.Append(e.TestUnseenShare is { } u ? Inv($"; {u:P1} of the test rows are on {E(e.Entity)} unseen in training ({e.TestUnseenEntities:N0} distinct values). ") : ". ");
        }
        h.Append("</p>\n<p class=\"note\">").Append(E(r.Churn.Definition)).Append(". Install rates (labelled days): rows on new vs seen entities.</p>\n");
        Image(h, charts, Charts.ChurnId, "share of rows on entities first seen that day");
        foreach (var e in entities)
        {
            h.Append("<h3>").Append(E(e.Entity)).Append(Inv($" ({e.Column})</h3>\n"));
            Table(h, ["day", "split", "rows", "missing", "new share", "distinct", "new", "install rate: new", "install rate: seen"], e.Days.Select(d => new[]
            {
                Inv($"{d.Day}"), L(d.Split), Inv($"{d.Rows:N0}"), Inv($"{d.Missing:N0}"),
                d.NoEarlierDay ? $"<td class=\"warn\">{Pct(d.NewShare, 1)} (no earlier day)</td>" : Pct(d.NewShare, 1),
                Inv($"{d.Entities:N0}"), Inv($"{d.NewEntities:N0}"), Pct(d.NewInstallRate, 1), Pct(d.SeenInstallRate, 1),
            }));
            if (e.TestUnseenShare is { } share)
            {
                h.Append(Inv($"<p>Test rows on {E(e.Entity)} unseen in training: <b>{share:P1}</b> ({e.TestUnseenRows:N0} rows, {e.TestUnseenEntities:N0} distinct values).</p>\n"));
            }
        }
        h.Append("</section>\n");
    }

    private static string Join(IEnumerable<string> names)
    {
        var list = names.ToList();
        return list.Count == 0 ? "–" : string.Join(", ", list);
    }
}
