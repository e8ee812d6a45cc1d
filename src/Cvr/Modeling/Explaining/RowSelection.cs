using System.Globalization;

namespace Cvr.Modeling.Explaining;

/// <summary>
/// Which rows <c>cvr explain</c> explains, by row id (<c>f_0</c>): items separated by commas, each a row id or an
/// inclusive range <c>FIRST-LAST</c>, e.g. <c>1041,2000-2099</c>. Every item must match at least one row of the
/// data; rows are explained in the data's order, each once.
/// </summary>
public sealed class RowSelection
{
    private readonly string _text;
    private readonly (long First, long Last, string Item)[] _items;

    private RowSelection(string text, (long, long, string)[] items)
    {
        _text = text;
        _items = items;
    }

    /// <exception cref="ConfigurationException">An item that is not a row id or a range, naming it and its position.</exception>
    public static RowSelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',');
        var items = new (long, long, string)[parts.Length];
        for (var k = 0; k < parts.Length; k++)
        {
            var item = parts[k].Trim();
            var dash = item.IndexOf('-');
            var (first, last) = dash > 0 ? (item[..dash], item[(dash + 1)..]) : (item, item);
            if (!Id(first, out var a) || !Id(last, out var b))
            {
                throw Error(text, k, item, "is not a row id or a range FIRST-LAST of row ids (whole numbers ≥ 0)");
            }
            if (b < a)
            {
                throw Error(text, k, item, "ends before it starts");
            }
            items[k] = (a, b, item);
        }
        return new RowSelection(text, items);
    }

    /// <summary>The positions of the selected rows, in order.</summary>
    /// <param name="source">How the data is named in an error (e.g. <c>data/test</c>).</param>
    /// <exception cref="ConfigurationException">An item that matches no row of <paramref name="rowIds"/>.</exception>
    public int[] Positions(ReadOnlySpan<long> rowIds, string source)
    {
        var hit = new bool[_items.Length];
        var positions = new List<int>();
        for (var i = 0; i < rowIds.Length; i++)
        {
            var selected = false;
            for (var k = 0; k < _items.Length; k++)
            {
                if (rowIds[i] >= _items[k].First && rowIds[i] <= _items[k].Last)
                {
                    hit[k] = true;
                    selected = true;
                }
            }
            if (selected) { positions.Add(i); }
        }
        var missed = Array.IndexOf(hit, false);
        if (missed >= 0)
        {
            var (first, last, item) = _items[missed];
            throw Error(_text, missed, item, first == last ? $"is not a row id of {source}" : $"holds no row id of {source}");
        }
        return [.. positions];
    }

    private static bool Id(string text, out long id)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    private static ConfigurationException Error(string text, int k, string item, string problem)
        => new($"--rows \"{Cut(text)}\": item {k + 1} \"{Cut(item)}\" {problem}");

    private static string Cut(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
