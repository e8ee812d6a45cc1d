using System.Globalization;

namespace Cvr.Cli.Tests.Shapes;

/// <summary>What a shape must do: train and score (<see cref="Refusal"/> null), or stop <c>cvr train</c> with
/// <see cref="Refusal"/>'s exit code and a message holding each of its fragments (where, and what was expected).</summary>
/// <param name="Config">A feature config (JSON) for <c>--config</c>, when the shape needs one to reach its case.</param>
internal sealed record DataShape(string Name, Func<ShapeData> Build, Refusal? Refusal = null, int TrainShards = 1, string? Config = null);

internal sealed record Refusal(int Exit, params string[] Fragments);

/// <summary>
/// The catalogue of the data-shape matrix (docs/robustness.md): data sets our generator never makes, each small
/// (6,000 training rows over days 45 … 66, 500 test rows on day 67) unless its point is size.
/// </summary>
internal static class DataShapes
{
    private const int Rows = 6_000;

    /// <summary>float32's largest finite value, as text that parses back to it exactly.</summary>
    private const string FloatMax = "3.4028235E+38";

    private const string AuthorsPrior = """{"target_encoding": {"prior": "authors"}}""";

    public static readonly DataShape[] All =
    [
        // Missing values: data-format.md says only f_30, f_31 and the ad block are ever missing, but the reader takes
        // an empty field anywhere but the row id, the day and the labels.
        new("categorical-missing-everywhere", () => ShapeData.Plain(Rows).SetEverywhere(6, null).SetEverywhere(15, null)),
        new("numeric-missing-everywhere", () => ShapeData.Plain(Rows).SetEverywhere(42, null).SetEverywhere(71, null).SetEverywhere(33, null)),
        new("every-feature-missing", () => Each(ShapeData.Plain(Rows), 2, 79, (r, c) => r.Cells[c] = null)),
        new("day-missing", () => Edit(ShapeData.Plain(Rows), d => d.Train[100].Cells[1] = null),
            new Refusal(ExitCodes.DataError, "000000000000.csv: line 102, column f_1: missing day", "expected an integer day number")),

        // Constant columns: every feature the same in every row; and numerics constant only among liked rows.
        new("every-feature-constant", () => Each(ShapeData.Plain(Rows), 2, 79, (r, c) => r.Cells[c] = c < 33 ? "7" : c < 42 ? "1" : "2.5")),
        new("numerics-constant-on-liked-rows", () => Edit(ShapeData.Plain(Rows, likeShare: 0.25), d =>
        {
            var random = new Random(3);
            foreach (var row in d.Train)
            {
                for (var c = 42; c <= 79; c++) { row.SetNumeric(c, row.Liked ? 3 : random.Next(0, 4) == 0 ? random.Next(1, 50) : 0); }
            }
        })),

        // Days and labels.
        new("one-labelled-day", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train) { r.Day = 66; } }),
            new Refusal(ExitCodes.DataError, "no labelled rows before validation day 66: nothing to train on (the data has one labelled day)")),
        new("a-day-without-installs", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train.Where(r => r.Day == 50)) { r.Installed = 0; } })),
        new("validation-day-without-installs", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train.Where(r => r.Day == 66)) { r.Installed = 0; } }),
            new Refusal(ExitCodes.DataError, "no installs on validation day 66", "choose another validation day")),
        new("no-installs-at-all", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train) { r.Installed = 0; } }),
            new Refusal(ExitCodes.DataError, "no installed training rows (is_installed = 1)")),
        new("every-row-liked", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train) { r.Clicked = 1; } })),
        new("every-row-installed", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train) { r.Installed = 1; } })),
        // The authors' prior gives a category past n_min no pseudo-rows: a pure one is a Beta with a zero shape.
        new("a-category-always-installed", () => Edit(ShapeData.Plain(Rows), d => Pure(d, installed: true)), Config: AuthorsPrior),
        new("a-category-never-installed", () => Edit(ShapeData.Plain(Rows), d => Pure(d, installed: false)), Config: AuthorsPrior),
        new("validation-day-without-likes", () => Edit(ShapeData.Plain(Rows), d => { foreach (var r in d.Train.Where(r => r.Day == 66)) { r.Clicked = r.Installed = 0; } }),
            new Refusal(ExitCodes.DataError, "no liked rows on validation day 66", "can't be validated")),
        new("no-likes-at-all", () => ShapeData.Plain(Rows, likeShare: 0),
            new Refusal(ExitCodes.DataError, "no liked training rows", "nothing to learn from")),
        new("thirty-liked-rows", () => Edit(ShapeData.Plain(Rows, likeShare: 0), d =>
        {
            // 30 liked rows, 4 of them on the validation day, installs on half.
            for (var i = 0; i < 30; i++)
            {
                var row = d.Train[i < 26 ? i * 200 : Rows - 1 - (i - 26) * 50];
                row.Clicked = 1;
                row.Installed = i % 2;
            }
        })),
        new("extreme-day-numbers", () => Edit(ShapeData.Plain(Rows), d =>
        {
            foreach (var r in d.All) { r.Day = int.MaxValue - 67 + r.Day; }
        })),
        new("negative-day-numbers", () => Edit(ShapeData.Plain(Rows), d =>
        {
            foreach (var r in d.All) { r.Day = int.MinValue + 1 + r.Day - 45; }
        })),

        // Categorical codes: the reader takes any int32 but int.MinValue; many distinct levels.
        new("categorical-codes-at-the-limits", () => Edit(ShapeData.Plain(Rows), d =>
        {
            var i = 0;
            foreach (var r in d.All)
            {
                for (var c = 2; c <= 32; c++) { r.Cells[c] = (i++ % 3) switch { 0 => $"{int.MaxValue}", 1 => $"{int.MinValue + 1}", _ => "0" }; }
            }
        })),
        new("categorical-code-above-the-limit", () => Edit(ShapeData.Plain(Rows), d => d.Train[10].Cells[6] = "2147483648"),
            new Refusal(ExitCodes.DataError, "line 12, column f_6: cannot parse '2147483648'", "expected an integer category from -2147483647 to 2147483647")),
        new("categorical-code-int-min", () => Edit(ShapeData.Plain(Rows), d => d.Train[10].Cells[6] = $"{int.MinValue}"),
            new Refusal(ExitCodes.DataError, "line 12, column f_6: cannot parse '-2147483648'")),
        new("every-row-its-own-level", () => Edit(ShapeData.Plain(Rows), d =>
        {
            var i = 0;
            foreach (var r in d.All)
            {
                i++;
                for (var c = 2; c <= 32; c++) { r.Cells[c] = (i * 7919L % int.MaxValue * (c % 2 == 0 ? 1 : -1)).ToString(CultureInfo.InvariantCulture); }
            }
        })),

        // f_4 and f_6 (crossed by default) holding the same id, a new one per row: a pair hash that XORs the halves
        // gave every pair one hash code, and the cross's fit and lookups went quadratic.
        new("crossed-columns-hold-the-same-ids", () => Edit(ShapeData.Plain(Rows), d =>
        {
            var i = 0;
            foreach (var r in d.All) { r.Cells[4] = r.Cells[6] = (++i * 7919).ToString(CultureInfo.InvariantCulture); }
        })),

        // Numerics: extreme, subnormal, signed zero; non-finite text is refused where it stands.
        new("extreme-and-subnormal-numerics", () => Edit(ShapeData.Plain(Rows), d =>
        {
            string[] values = [FloatMax, "-" + FloatMax, "1e38", "-1e38", "1e-45", "-1e-45", "-0.0", "1.1754942E-38", "0"];
            var i = 0;
            foreach (var r in d.All)
            {
                for (var c = 42; c <= 79; c++)
                {
                    r.Cells[c] = values[i++ % values.Length];
                    if (c >= 71) { r.Cells[c - 38] = float.Parse(r.Cells[c]!, CultureInfo.InvariantCulture) > 0 ? "1" : "0"; }
                }
            }
        })),
        new("numerics-at-float-max-everywhere", () => Each(ShapeData.Plain(Rows), 42, 79, (r, c) => r.Cells[c] = FloatMax)),
        new("nan-text", () => Edit(ShapeData.Plain(Rows), d => d.Train[20].Cells[58] = "nan"),
            new Refusal(ExitCodes.DataError, "line 22, column f_58: non-finite value 'nan'", "expected a finite number or an empty field")),
        new("inf-text", () => Edit(ShapeData.Plain(Rows), d => d.Train[20].Cells[64] = "-Infinity"),
            new Refusal(ExitCodes.DataError, "line 22, column f_64: non-finite value '-Infinity'")),
        new("beyond-float-max", () => Edit(ShapeData.Plain(Rows), d => d.Train[20].Cells[64] = "3.5e38"),
            new Refusal(ExitCodes.DataError, "line 22, column f_64: non-finite value '3.5e38'")),

        // Duplicates: every row five times over three shards; with the same row id the reader names both places.
        new("every-row-five-times", () => ShapeData.Plain(Rows / 5).Repeat(5), TrainShards: 3),
        new("duplicate-row-ids", () => ShapeData.Plain(Rows / 5).Repeat(5, sameRowId: true),
            new Refusal(ExitCodes.DataError, "column f_0: duplicate row id '1'", "expected unique row ids; first seen in train/000000000000.csv line 2"), TrainShards: 3),
    ];

    /// <summary>20,000 rows whose numeric columns are non-zero (with probability 0.5) on the liked rows only: sparse over
    /// all rows, dense over stage 2's (docs/lightgbm-subset-overflow.md; the 16-bit overflow needs this many).</summary>
    public static ShapeData DenseOnLikedRows()
    {
        var data = ShapeData.Plain(20_000, likeShare: 0.25);
        var random = new Random(11);
        foreach (var row in data.Train.Where(r => r.Liked))
        {
            for (var c = 42; c <= 79; c++)
            {
                if (random.NextDouble() < 0.5) { row.SetNumeric(c, random.Next(1, 50)); }
            }
        }
        return data;
    }

    public static TheoryData<string> Names() => [.. All.Select(s => s.Name)];

    public static DataShape Named(string name) => name == "numerics-dense-on-liked-rows"
        ? new(name, DenseOnLikedRows)
        : All.Single(s => s.Name == name);

    /// <summary>Every categorical column has one value, on a quarter of the rows (more than the target encoding's
    /// n_min of 1,000 training rows), whose rows are all liked and all installed, or none installed.</summary>
    private static void Pure(ShapeData data, bool installed)
    {
        foreach (var row in data.Train.Where((_, i) => i % 4 == 0))
        {
            for (var c = 2; c <= 32; c++) { row.Cells[c] = "99"; }
            row.Clicked = 1;
            row.Installed = installed ? 1 : 0;
        }
    }

    private static ShapeData Edit(ShapeData data, Action<ShapeData> edit)
    {
        edit(data);
        return data;
    }

    private static ShapeData Each(ShapeData data, int first, int last, Action<ShapeRow, int> set)
    {
        foreach (var row in data.All)
        {
            for (var c = first; c <= last; c++) { set(row, c); }
        }
        return data;
    }
}
