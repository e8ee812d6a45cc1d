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
/// over one per-element function, and its per-row writer (<see cref="FeatureStep{TPartial, TFitted}.BindRow"/>) calls
/// that very function for its one row — <see cref="FittedBaseColumns.CleanNumber"/> (base columns and numeric
/// inputs), <see cref="FeatureInputs.Mod"/> (date_mod), <see cref="FittedCross.Code"/> (crosses),
/// <see cref="KeyIndex.Find"/> and <see cref="FittedGroupStatistics.Write"/> (group statistics),
/// <see cref="BetaEncoding.Write"/> (target encodings), <see cref="FittedHistory.Write"/> (history); the per-element
/// functions write to a span at a stride (rows in the column-major matrix, 1 here). The writers come from the
/// pipeline's list of steps, in its order. A step whose value depends on other rows of the same batch cannot be
/// served row by row and says so. Thread-safe: one instance serves any number of threads, each with its own
/// <see cref="Scratch"/>.
/// </remarks>
public sealed class RowTransform
{
    private readonly float _fill;
    private readonly RowKey[] _keys;
    private readonly (RowWriter Writer, int Width)[] _steps;
    private readonly int _dayColumn;
    private readonly int[] _kept;

    internal RowTransform(FittedFeaturePipeline pipeline)
    {
        if (FeatureSteps.Unservable(pipeline.Steps) is { } reason)
        {
            throw new ConfigurationException($"the fitted features include {reason}, which has no per-row form yet: this bundle can be scored in batches (cvr predict) but not served row by row");
        }
        Schema = new Schema(pipeline.Fingerprint.Columns.Select(n => new ColumnSpec(n, Schema.KindOf(n)
            ?? throw new Modeling.ModelBundleException($"the fitted pipeline's input column {n} is not a column of the data format"))).ToArray());
        _fill = pipeline.BaseColumns.MissingValue;
        var binder = new RowBinder(Schema, pipeline.BaseColumns, pipeline.KeySteps);
        // Binding builds each step's lookups now, not on the first request.
        _steps = [.. pipeline.Steps.Select(s => (s.BindRow(binder), s.Outputs.Count))];
        _dayColumn = binder.Column(Schema.DayColumn);
        _keys = binder.Keys;
        var position = pipeline.AllFeatureNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        _kept = pipeline.FeatureNames.Select(n => position[n]).ToArray();
        AllWidth = pipeline.AllFeatureNames.Count;
    }

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
        for (var k = 0; k < _keys.Length; k++) { keys[k] = _keys[k].Compute(row, keys); }
        Span<float> all = scratch.All;
        var values = new RowValues(row, keys, _fill, row.Integer(_dayColumn));
        var at = 0;
        foreach (var (writer, width) in _steps)
        {
            writer.Write(values, all.Slice(at, width));
            at += width;
        }
        for (var j = 0; j < _kept.Length; j++) { output[j] = all[_kept[j]]; }
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
