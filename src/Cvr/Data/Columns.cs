namespace Cvr.Data;

/// <summary>
/// A categorical column, dictionary-encoded: <see cref="Codes"/>[row] indexes <see cref="Levels"/> (the distinct
/// raw values, ascending), or is <see cref="Missing"/>. Sorted levels make the codes independent of file and
/// shard order, so two reads of the same data agree code for code.
/// </summary>
public sealed class CategoricalColumn(string name, int[] codes, int[] levels)
{
    public const int Missing = -1;

    public string Name { get; } = name;

    public int[] Codes { get; } = codes;

    public int[] Levels { get; } = levels;

    public int Cardinality => Levels.Length;

    /// <summary>The raw value of a row, or null when missing.</summary>
    public int? ValueAt(int row) => Codes[row] == Missing ? null : Levels[Codes[row]];

    /// <summary>The code of a raw value, or <see cref="Missing"/> when the value is not a level.</summary>
    public int CodeOf(int value)
    {
        var i = Array.BinarySearch(Levels, value);
        return i >= 0 ? i : Missing;
    }
}

/// <summary>A binary or numeric column as float32; NaN marks a missing value.</summary>
public sealed class NumericColumn(string name, ColumnKind kind, float[] values)
{
    public string Name { get; } = name;

    public ColumnKind Kind { get; } = kind;

    public float[] Values { get; } = values;
}

/// <summary>A 0/1 label column.</summary>
public sealed class LabelColumn(string name, byte[] values)
{
    public string Name { get; } = name;

    public byte[] Values { get; } = values;
}
