namespace Cvr.Data;

/// <summary>
/// A parsed data set held column by column: row ids, days, dictionary-encoded categoricals, float32
/// binaries/numerics (NaN = missing) and byte labels. Immutable once built; the arrays are exposed for speed
/// and must not be written to by consumers.
/// </summary>
public sealed class Frame
{
    private readonly Dictionary<string, CategoricalColumn> _categoricals;
    private readonly Dictionary<string, NumericColumn> _numerics;
    private readonly Dictionary<string, LabelColumn> _labels;

    internal Frame(
        Schema schema,
        long[] rowIds,
        int[] days,
        IReadOnlyList<CategoricalColumn> categoricals,
        IReadOnlyList<NumericColumn> numerics,
        IReadOnlyList<LabelColumn> labels)
    {
        Schema = schema;
        RowIds = rowIds;
        Days = days;
        Categoricals = categoricals;
        Numerics = numerics;
        Labels = labels;
        _categoricals = categoricals.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _numerics = numerics.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _labels = labels.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public Schema Schema { get; }

    public int RowCount => RowIds.Length;

    public long[] RowIds { get; }

    public int[] Days { get; }

    public IReadOnlyList<CategoricalColumn> Categoricals { get; }

    public IReadOnlyList<NumericColumn> Numerics { get; }

    public IReadOnlyList<LabelColumn> Labels { get; }

    public bool HasLabels => _labels.ContainsKey(Schema.ClickLabel) && _labels.ContainsKey(Schema.InstallLabel);

    public CategoricalColumn Categorical(string name)
        => _categoricals.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"no categorical column '{name}'");

    public NumericColumn Numeric(string name)
        => _numerics.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"no binary or numeric column '{name}'");

    public LabelColumn Label(string name)
        => _labels.TryGetValue(name, out var c) ? c : throw new KeyNotFoundException($"no label column '{name}'");

    public bool TryGetCategorical(string name, out CategoricalColumn column) => _categoricals.TryGetValue(name, out column!);

    public bool TryGetNumeric(string name, out NumericColumn column) => _numerics.TryGetValue(name, out column!);

    /// <summary>Bytes held by the column arrays (the figure the memory targets are stated against).</summary>
    public long SizeInBytes => BytesPerRow(Schema) * (long)RowCount
        + Categoricals.Sum(c => (long)c.Levels.Length * sizeof(int));

    internal static long BytesPerRow(Schema schema) => schema.Columns.Sum(c => c.Kind switch
    {
        ColumnKind.RowId => sizeof(long),
        ColumnKind.Day or ColumnKind.Categorical => sizeof(int),
        ColumnKind.Binary or ColumnKind.Numeric => sizeof(float),
        ColumnKind.Label => sizeof(byte),
        _ => 0,
    });
}
