using System.Globalization;

namespace Cvr.Data;

/// <summary>What a column holds; decides how it is parsed and stored.</summary>
public enum ColumnKind
{
    /// <summary><c>f_0</c>: unique within a file set, stored as <see cref="long"/>.</summary>
    RowId,
    /// <summary><c>f_1</c>: the day number, stored as <see cref="int"/>.</summary>
    Day,
    /// <summary><c>f_2..f_32</c>: integer category values, stored as codes into sorted levels.</summary>
    Categorical,
    /// <summary><c>f_33..f_41</c>: 0/1 or missing, stored as float32.</summary>
    Binary,
    /// <summary><c>f_42..f_79</c>: float32, NaN when missing.</summary>
    Numeric,
    /// <summary><c>is_clicked</c>, <c>is_installed</c>: 0/1 bytes, never missing.</summary>
    Label,
}

public sealed record ColumnSpec(string Name, ColumnKind Kind);

/// <summary>
/// The columns of a data set, in file order, derived from the header by the challenge's <c>f_*</c> convention
/// (data-format.md): f_0 row id, f_1 day, f_2..f_32 categorical, f_33..f_41 binary, f_42..f_79 numeric, then the
/// labels. A subset of those columns is accepted (in any order); anything else is an error, never a guess.
/// </summary>
public sealed class Schema : IEquatable<Schema>
{
    public const string RowIdColumn = "f_0";
    public const string DayColumn = "f_1";
    public const string ClickLabel = "is_clicked";
    public const string InstallLabel = "is_installed";

    private const int FirstCategorical = 2, LastCategorical = 32;
    private const int FirstBinary = 33, LastBinary = 41;
    private const int FirstNumeric = 42, LastNumeric = 79;

    private readonly Dictionary<string, int> _index;

    public Schema(IReadOnlyList<ColumnSpec> columns)
    {
        Columns = columns;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            _index.Add(columns[i].Name, i);
        }
    }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    public int Count => Columns.Count;

    public bool HasLabels => Contains(ClickLabel) && Contains(InstallLabel);

    public bool Contains(string name) => _index.ContainsKey(name);

    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    /// <summary>The same columns without the labels: what a test set must have.</summary>
    public Schema WithoutLabels() => new(Columns.Where(c => c.Kind != ColumnKind.Label).ToArray());

    /// <summary>Column names joined by TAB, as they would appear in a header.</summary>
    public override string ToString() => string.Join('\t', Columns.Select(c => c.Name));

    /// <summary>Classifies one header name, or returns null if it follows no known convention.</summary>
    public static ColumnKind? KindOf(string name)
    {
        if (name == ClickLabel || name == InstallLabel)
        {
            return ColumnKind.Label;
        }
        if (!name.StartsWith("f_", StringComparison.Ordinal)
            || name.Length < 3 || name.Length > 4
            || !int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || (name.Length == 4 && name[2] == '0'))
        {
            return null;
        }
        return n switch
        {
            0 => ColumnKind.RowId,
            1 => ColumnKind.Day,
            >= FirstCategorical and <= LastCategorical => ColumnKind.Categorical,
            >= FirstBinary and <= LastBinary => ColumnKind.Binary,
            >= FirstNumeric and <= LastNumeric => ColumnKind.Numeric,
            _ => null,
        };
    }

    /// <summary>
    /// Builds the schema from a header line's names. <paramref name="file"/> names the file in errors.
    /// </summary>
    public static Schema FromHeader(IReadOnlyList<string> names, string file)
    {
        var columns = new ColumnSpec[names.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (name.Length == 0)
            {
                throw DataError.At(file, 1, $"#{i + 1}", name, "empty column name", "expected f_0..f_79, is_clicked or is_installed");
            }
            var kind = KindOf(name)
                ?? throw DataError.At(file, 1, $"#{i + 1}", name, "unknown column name", "expected f_0..f_79, is_clicked or is_installed");
            if (!seen.Add(name))
            {
                throw DataError.At(file, 1, $"#{i + 1}", name, "duplicate column name", "expected each column once");
            }
            columns[i] = new ColumnSpec(name, kind);
        }
        var schema = new Schema(columns);
        if (!schema.Contains(RowIdColumn))
        {
            throw DataError.Line(file, 1, $"the header has no {RowIdColumn} column (expected the row id first)");
        }
        if (!schema.Contains(DayColumn))
        {
            throw DataError.Line(file, 1, $"the header has no {DayColumn} column (expected the day number)");
        }
        return schema;
    }

    public bool Equals(Schema? other)
        => other is not null && Columns.SequenceEqual(other.Columns);

    public override bool Equals(object? obj) => obj is Schema s && Equals(s);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
