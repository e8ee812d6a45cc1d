using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// One impression's raw values, by column of <see cref="Schema"/>, as a data file would hold them: what the
/// per-row path (<see cref="RowTransform"/>) reads instead of a <see cref="Frame"/>. Meant to be reused:
/// <see cref="Clear"/> makes every value missing again without allocating.
/// </summary>
public sealed class RawRow
{
    private readonly float[] _numbers;
    private readonly int[] _integers;
    private readonly bool[] _present;

    public RawRow(Schema schema)
    {
        Schema = schema;
        _numbers = new float[schema.Count];
        _integers = new int[schema.Count];
        _present = new bool[schema.Count];
        Clear();
    }

    public Schema Schema { get; }

    /// <summary>The row id (<c>f_0</c>) when given; it is not a feature.</summary>
    public long? RowId { get; set; }

    /// <summary>Every value missing, no row id: the state of a new row, nothing kept from the previous one.</summary>
    public void Clear()
    {
        Array.Fill(_numbers, float.NaN);
        Array.Clear(_integers);
        Array.Clear(_present);
        RowId = null;
    }

    /// <summary>A binary or numeric column's value (NaN is missing).</summary>
    public void SetNumber(int column, float value)
    {
        _numbers[column] = value;
        _present[column] = !float.IsNaN(value);
    }

    /// <summary>A categorical column's raw value, or the day number.</summary>
    public void SetInteger(int column, int value)
    {
        _integers[column] = value;
        _present[column] = true;
    }

    /// <summary>Row <paramref name="row"/> of <paramref name="frame"/>, which holds at least this row's columns
    /// (looked up by name: for tests and benchmarks, not a hot path).</summary>
    public void CopyFrom(Frame frame, int row)
    {
        Clear();
        RowId = frame.RowIds[row];
        for (var c = 0; c < Schema.Count; c++)
        {
            var name = Schema.Columns[c].Name;
            if (name == Schema.DayColumn) { SetInteger(c, frame.Days[row]); }
            else if (frame.TryGetCategorical(name, out var categorical)) { if (categorical.ValueAt(row) is { } v) { SetInteger(c, v); } }
            else if (frame.TryGetNumeric(name, out var numeric)) { SetNumber(c, numeric.Values[row]); }
        }
    }

    public bool IsPresent(int column) => _present[column];

    /// <summary>A binary or numeric column's value, NaN when missing.</summary>
    public float Number(int column) => _numbers[column];

    /// <summary>A categorical column's raw value or the day; meaningful only when <see cref="IsPresent"/>.</summary>
    public int Integer(int column) => _integers[column];
}
