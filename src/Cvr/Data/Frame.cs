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

    /// <summary>
    /// The rows <paramref name="rows"/> (in that order) as a frame of their own, with the labels or without: what a
    /// backtest fold trains on or scores. Each categorical keeps only the levels its selected rows have (sorted, as
    /// every frame's are), so a level seen only outside the selection is unseen here, as it would be in a data set
    /// cut at that point.
    /// </summary>
    public Frame Select(int[] rows, bool keepLabels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        T[] Take<T>(T[] values)
        {
            var taken = new T[rows.Length];
            for (var i = 0; i < rows.Length; i++) { taken[i] = values[rows[i]]; }
            return taken;
        }
        var categoricals = Categoricals.Select(c =>
        {
            var used = new bool[c.Levels.Length];
            foreach (var r in rows) { if (c.Codes[r] != CategoricalColumn.Missing) { used[c.Codes[r]] = true; } }
            var newCode = new int[c.Levels.Length];
            var levels = new List<int>();
            for (var l = 0; l < used.Length; l++)
            {
                newCode[l] = used[l] ? levels.Count : CategoricalColumn.Missing;
                if (used[l]) { levels.Add(c.Levels[l]); }
            }
            var codes = new int[rows.Length];
            for (var i = 0; i < rows.Length; i++) { codes[i] = c.Codes[rows[i]] is var code && code == CategoricalColumn.Missing ? code : newCode[code]; }
            return new CategoricalColumn(c.Name, codes, [.. levels]);
        }).ToList();
        var numerics = Numerics.Select(n => new NumericColumn(n.Name, n.Kind, Take(n.Values))).ToList();
        var labels = keepLabels ? Labels.Select(l => new LabelColumn(l.Name, Take(l.Values))).ToList() : [];
        return new Frame(keepLabels ? Schema : Schema.WithoutLabels(), Take(RowIds), Take(Days), categoricals, numerics, labels);
    }

    /// <summary>
    /// The rows of <paramref name="frames"/>, one after the other, as one frame: what reading their sources in that
    /// order gives, the levels of each categorical merged and sorted as every frame's are. Every frame must have the same
    /// schema. A rank of a data-parallel job builds its frame so: the other ranks' rows of the validation day around its
    /// own shards' rows.
    /// </summary>
    /// <exception cref="ArgumentException">No frame, or frames of different schemas.</exception>
    public static Frame Concat(IReadOnlyList<Frame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.Count == 0) { throw new ArgumentException("no frame to join", nameof(frames)); }
        var schema = frames[0].Schema;
        if (frames.Any(f => !f.Schema.Equals(schema))) { throw new ArgumentException("frames of different schemas can't be joined", nameof(frames)); }
        if (frames.Count == 1) { return frames[0]; }
        var rows = frames.Sum(f => f.RowCount);
        T[] Join<T>(Func<Frame, T[]> column)
        {
            var joined = new T[rows];
            var at = 0;
            foreach (var f in frames)
            {
                column(f).CopyTo(joined, at);
                at += f.RowCount;
            }
            return joined;
        }
        var categoricals = frames[0].Categoricals.Select(first =>
        {
            var parts = frames.Select(f => f.Categorical(first.Name)).ToArray();
            int[] levels = [.. parts.SelectMany(p => p.Levels).Distinct().Order()];
            var codes = new int[rows];
            var at = 0;
            foreach (var part in parts)
            {
                var map = part.Levels.Select(l => Array.BinarySearch(levels, l)).ToArray();
                foreach (var code in part.Codes) { codes[at++] = code == CategoricalColumn.Missing ? code : map[code]; }
            }
            return new CategoricalColumn(first.Name, codes, levels);
        }).ToList();
        var numerics = frames[0].Numerics.Select(n => new NumericColumn(n.Name, n.Kind, Join(f => f.Numeric(n.Name).Values))).ToList();
        var labels = frames[0].Labels.Select(l => new LabelColumn(l.Name, Join(f => f.Label(l.Name).Values))).ToList();
        return new Frame(schema, Join(f => f.RowIds), Join(f => f.Days), categoricals, numerics, labels);
    }

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
