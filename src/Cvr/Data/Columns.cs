using System.Numerics;

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

    /// <summary>
    /// Writes the raw value of each selected row (<paramref name="rows"/>, or every row when null) to
    /// <paramref name="output"/>, and <paramref name="missing"/> for a missing value. The one decode loop of the
    /// feature and baseline matrices: it runs over every categorical cell, so the row selection is resolved once
    /// and the levels are converted by generic math, which the JIT specialises per <typeparamref name="T"/>.
    /// </summary>
    public void Decode<T>(int[]? rows, T missing, Span<T> output) where T : struct, INumberBase<T>
    {
        var n = rows?.Length ?? Codes.Length;
        if (output.Length != n)
        {
            throw new ArgumentException($"the output holds {output.Length} values for {n} rows of {Name}", nameof(output));
        }
        ReadOnlySpan<int> codes = Codes;
        ReadOnlySpan<int> levels = Levels;
        if (rows is null)
        {
            for (var i = 0; i < output.Length; i++)
            {
                var code = codes[i];
                output[i] = code == Missing ? missing : T.CreateTruncating(levels[code]);
            }
            return;
        }
        for (var i = 0; i < output.Length; i++)
        {
            var code = codes[rows[i]];
            output[i] = code == Missing ? missing : T.CreateTruncating(levels[code]);
        }
    }

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
