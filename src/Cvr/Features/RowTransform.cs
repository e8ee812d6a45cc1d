using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The per-row path of a <see cref="FittedFeaturePipeline"/>: one row's features from its raw values
/// (<see cref="RawRow"/>), the same float32 values, in the same order, as <see cref="FittedFeaturePipeline.Transform(Frame, int[], ParallelOptions)"/>
/// writes for that row, with no allocation (lookups in the fitted statistics and arithmetic into caller-owned
/// <see cref="Scratch"/>).
/// </summary>
/// <remarks>
/// The contract every fitted step keeps, so the two paths cannot drift apart: the step's batch transform is a loop
/// over one per-element function, and this class calls that very function for its one row —
/// <see cref="FittedBaseColumns.CleanNumber"/> (base columns and numeric inputs), <see cref="FeatureInputs.Mod"/>
/// (date_mod), <see cref="FittedCross.Code"/> (crosses), <see cref="KeyIndex.Find"/> and
/// <see cref="FittedGroupStatistics.Write"/> (group statistics), <see cref="BetaEncoding.Write"/> (target
/// encodings); the per-element functions write to a span at a stride (rows in the column-major matrix, 1 here).
/// A new step adds its per-element function, a loop over it in the batch transform and one case here, in the
/// same position of <see cref="FittedFeaturePipeline.AllFeatureNames"/>. A step whose value depends on other rows
/// of the same batch cannot be served row by row and must say so. Thread-safe: one instance serves any number of
/// threads, each with its own <see cref="Scratch"/>.
/// </remarks>
public sealed class RowTransform
{
    private enum KeyKind { Categorical, DateMod, Cross }

    /// <summary>How one integer key (a categorical input, date_mod or a cross) is computed; crosses read earlier slots.</summary>
    private readonly record struct KeySource(KeyKind Kind, int Column, int Left, int Right, FittedCross? Cross);

    /// <summary>A cleaned number read from one raw column (a base column's output or a group statistic's value).</summary>
    private readonly record struct NumberSource(int Column, ColumnKind Kind, double Inverse);

    private readonly float _fill;
    private readonly int _dateModulus;
    private readonly KeySource[] _keys;
    private readonly NumberSource[] _base;
    private readonly int _dateModKey;
    private readonly int[] _crossKeys;
    private readonly (FittedGroupStatistics Step, int Key, NumberSource Value)[] _groups;
    private readonly (FittedBetaEncoder Step, int Key)[] _encoders;
    private readonly (FittedHistory Step, int[] Keys)[] _history;
    private readonly int _dayColumn;
    private readonly int[] _kept;

    /// <summary>Most columns a history key can join: every categorical column (f_2..f_32).</summary>
    private const int MaxKeyColumns = 31;

    internal RowTransform(FittedFeaturePipeline pipeline)
    {
        if (Unservable(pipeline) is { } reason)
        {
            throw new ConfigurationException($"the fitted features include {reason}, which has no per-row form yet: this bundle can be scored in batches (cvr predict) but not served row by row");
        }
        Schema = new Schema(pipeline.Fingerprint.Columns.Select(n => new ColumnSpec(n, Schema.KindOf(n)
            ?? throw new ConfigurationException($"the fitted pipeline's input column {n} is not a column of the data format"))).ToArray());
        var baseColumns = pipeline.BaseColumns;
        _fill = baseColumns.MissingValue;
        _dateModulus = pipeline.DateModulus ?? 1;
        var keys = new List<KeySource>();
        var slots = new Dictionary<string, int>(StringComparer.Ordinal);
        int Key(string name)
        {
            if (slots.TryGetValue(name, out var slot)) { return slot; }
            KeySource source;
            if (name == DateModStep.OutputName)
            {
                source = new KeySource(KeyKind.DateMod, Column(Schema.DayColumn), 0, 0, null);
            }
            else if (pipeline.Crosses.FirstOrDefault(c => c.Name == name) is { } cross)
            {
                source = new KeySource(KeyKind.Cross, -1, Key(cross.Left), Key(cross.Right), cross);
            }
            else
            {
                source = new KeySource(KeyKind.Categorical, Column(name), 0, 0, null);
            }
            keys.Add(source);
            return slots[name] = keys.Count - 1;
        }
        NumberSource Number(string name) => new(Column(name), Schema.Columns[Column(name)].Kind, FittedBaseColumns.InverseOf(baseColumns.BaseOf(name)));
        _base = baseColumns.Columns.Select(c => Number(c.Name)).ToArray();
        _dateModKey = pipeline.DateModulus is null ? -1 : Key(DateModStep.OutputName);
        _crossKeys = pipeline.Crosses.Select(c => Key(c.Name)).ToArray();
        _groups = pipeline.GroupStatistics.Select(g => (g, Key(g.Group), Number(g.Value))).ToArray();
        _encoders = pipeline.Encoders.Select(e => (e, Key(e.Column))).ToArray();
        _history = pipeline.HistorySteps.Select(h => (h, h.Columns.Select(Key).ToArray())).ToArray();
        _dayColumn = Column(Schema.DayColumn);
        _keys = keys.ToArray();
        var position = pipeline.AllFeatureNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        _kept = pipeline.FeatureNames.Select(n => position[n]).ToArray();
        AllWidth = pipeline.AllFeatureNames.Count;
        // Build the steps' lookups now, not on the first request.
        foreach (var g in _groups) { _ = g.Step.Index; }
        foreach (var e in _encoders) { _ = e.Step.Index; _ = e.Step.Table(); }
        foreach (var c in pipeline.Crosses) { c.Code(0, 0); }
        foreach (var (h, _) in _history) { h.Prepare(); }
    }

    /// <summary>Steps this class does not compute, or null: day-scoped group statistics and history's same-day share
    /// are functions of the other rows being scored (a server would need the day's running counts). History's
    /// earlier-day counts are served: their state is in the fitted step.</summary>
    internal static string? Unservable(FittedFeaturePipeline pipeline)
        => pipeline.Config.GroupStatistics.Scope == StatisticsScope.Day && pipeline.GroupStatistics.Count > 0
            ? "group statistics over each row's own day (scope \"day\")"
            : pipeline.HistorySteps.Where(h => h.SameDay).Select(h => h.Key).ToArray() is { Length: > 0 } sameDay
                ? $"history's same-day share ({string.Join(", ", sameDay)}; history.same_day)" : null;

    /// <summary>The raw columns a row holds (the training columns without labels), in <see cref="RawRow"/> order.</summary>
    public Schema Schema { get; }

    /// <summary>Features per row: <see cref="FittedFeaturePipeline.FeatureNames"/>.</summary>
    public int Width => _kept.Length;

    private int AllWidth { get; }

    /// <summary>Per-thread working memory for <see cref="Transform"/>.</summary>
    public Scratch CreateScratch() => new(_keys.Length, AllWidth);

    /// <summary>Writes <paramref name="row"/>'s <see cref="Width"/> features to <paramref name="output"/>.</summary>
    /// <exception cref="ArgumentException">The row has no day (<c>f_1</c>), which every row needs, as in the data
    /// files; the message names the field.</exception>
    public void Transform(RawRow row, Scratch scratch, Span<float> output)
    {
        if (output.Length != _kept.Length)
        {
            throw new ArgumentException($"the output holds {output.Length} features, expected {_kept.Length}", nameof(output));
        }
        if (!row.IsPresent(_dayColumn))
        {
            throw new ArgumentException($"the row has no {Schema.DayColumn} (its day number, which every row needs, as in the data files)", nameof(row));
        }
        var keys = scratch.Keys;
        for (var k = 0; k < _keys.Length; k++)
        {
            var source = _keys[k];
            keys[k] = source.Kind switch
            {
                KeyKind.DateMod => FeatureInputs.Mod(row.Integer(source.Column), _dateModulus),
                KeyKind.Cross => source.Cross!.Code(keys[source.Left], keys[source.Right]),
                _ => row.IsPresent(source.Column) ? row.Integer(source.Column) : FeatureInputs.MissingKey,
            };
        }
        Span<float> all = scratch.All;
        var at = 0;
        foreach (var b in _base) { all[at++] = Clean(row, b); }
        if (_dateModKey >= 0) { all[at++] = keys[_dateModKey]; }
        foreach (var c in _crossKeys) { all[at++] = keys[c]; }
        foreach (var (step, key, value) in _groups)
        {
            FittedGroupStatistics.Write(step.StatsOf(KeyIndex.Find(step.Index, keys[key])), Clean(row, value), all[at..], 1);
            at += FittedGroupStatistics.StatisticNames.Length;
        }
        foreach (var (step, key) in _encoders)
        {
            BetaEncoding.Write(step.Table(), KeyIndex.Find(step.Index, keys[key]), all[at..], 1);
            at += step.Statistics.Count;
        }
        Span<int> values = stackalloc int[MaxKeyColumns];
        foreach (var (step, columns) in _history)
        {
            for (var c = 0; c < columns.Length; c++) { values[c] = keys[columns[c]]; }
            step.Write(step.IndexOf(HistoryKeys.Of(values[..columns.Length])), row.Integer(_dayColumn), 0, all[at..], 1);
            at += step.Width;
        }
        for (var j = 0; j < _kept.Length; j++) { output[j] = all[_kept[j]]; }
    }

    /// <summary>A base column's cleaned value, as <see cref="FittedBaseColumns.Clean"/> writes it for a frame.</summary>
    private float Clean(RawRow row, NumberSource source) => source.Kind switch
    {
        ColumnKind.Day => row.Integer(source.Column),
        ColumnKind.Categorical => row.IsPresent(source.Column) ? row.Integer(source.Column) : _fill,
        _ => FittedBaseColumns.CleanNumber(row.Number(source.Column), source.Inverse, _fill),
    };

    private int Column(string name)
    {
        var i = Schema.IndexOf(name);
        return i >= 0 ? i : throw new ConfigurationException($"the fitted pipeline reads {name}, which is not one of its input columns");
    }

    /// <summary>Working memory of one thread: integer keys and every feature before the selection.</summary>
    public sealed class Scratch
    {
        internal Scratch(int keys, int all)
        {
            Keys = new int[keys];
            All = new float[all];
        }

        internal int[] Keys { get; }

        internal float[] All { get; }
    }
}
