using Cvr.Data;

namespace Cvr.Features;

/// <summary>A cleaned number read from one raw column of a <see cref="RawRow"/> (a base column's output or a step's numeric input).</summary>
internal readonly record struct NumberSource(int Column, ColumnKind Kind, double Inverse)
{
    /// <summary>The value as <see cref="FittedBaseColumns.Clean"/> writes it for a frame.</summary>
    public float Read(RawRow row, float fill) => Kind switch
    {
        ColumnKind.Day => row.Integer(Column),
        ColumnKind.Categorical => row.IsPresent(Column) ? row.Integer(Column) : fill,
        _ => FittedBaseColumns.CleanNumber(row.Number(Column), Inverse, fill),
    };
}

/// <summary>What a step's per-row writer reads: the raw row, every integer key (slots from <see cref="RowBinder.Key"/>),
/// the fill of missing numbers and the row's day.</summary>
internal readonly ref struct RowValues(RawRow row, ReadOnlySpan<int> keys, float fill, int day)
{
    public RawRow Row { get; } = row;

    public ReadOnlySpan<int> Keys { get; } = keys;

    public int Day { get; } = day;

    public float Number(NumberSource source) => source.Read(Row, fill);
}

/// <summary>A fitted step's per-row path: its outputs for one row, the same float32 values its batch transform writes
/// for that row (both go through the step's per-element function), written contiguously.</summary>
internal abstract class RowWriter
{
    public abstract void Write(in RowValues row, Span<float> output);
}

/// <summary>How one integer key of a row is computed; keys read only earlier slots.</summary>
internal abstract class RowKey
{
    public abstract int Compute(RawRow row, ReadOnlySpan<int> keys);
}

/// <summary>
/// Resolves a step's inputs for the per-row path: integer keys get slots (a categorical column's raw value, or the
/// key of a fitted step such as date_mod or a cross, bound on first use, after the keys it reads), numbers a
/// <see cref="NumberSource"/>.
/// </summary>
internal sealed class RowBinder(Schema schema, FittedBaseColumns baseColumns, IReadOnlyDictionary<string, FittedStep> keySteps)
{
    private readonly List<RowKey> _keys = [];
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);

    /// <summary>The keys in slot order.</summary>
    public RowKey[] Keys => [.. _keys];

    public int Key(string name)
    {
        if (_slots.TryGetValue(name, out var slot)) { return slot; }
        var key = keySteps.TryGetValue(name, out var step) ? step.BindKey(this) : new ColumnKey(Column(name));
        _keys.Add(key);
        return _slots[name] = _keys.Count - 1;
    }

    public NumberSource Number(string name)
        => new(Column(name), schema.Columns[Column(name)].Kind, FittedBaseColumns.InverseOf(baseColumns.BaseOf(name)));

    public int Column(string name)
    {
        var i = schema.IndexOf(name);
        return i >= 0 ? i : throw new Modeling.ModelBundleException($"the fitted pipeline reads {name}, which is not one of its input columns");
    }

    /// <summary>A categorical column's raw value, <see cref="FeatureInputs.MissingKey"/> when missing.</summary>
    private sealed class ColumnKey(int column) : RowKey
    {
        public override int Compute(RawRow row, ReadOnlySpan<int> keys) => row.IsPresent(column) ? row.Integer(column) : FeatureInputs.MissingKey;
    }
}
