using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// Step 1 (method-notes.md, preprocessing 1, 2, 6): the kept base columns, cleaned (<see cref="FittedBaseColumns"/>).
/// The only thing learned from rows is, with <see cref="BaseValueSource.Detect"/>, each numeric column's base: its
/// partial state is the column's value counts, which add up across shards.
/// </summary>
internal sealed class BaseColumnsStep(FeatureConfig config) : FeatureStep<BaseColumnsStep.Partial, FittedBaseColumns>
{
    /// <summary>The training schema and, when bases are detected, each numeric column's counts of present values.</summary>
    internal sealed record Partial(Schema Schema, Dictionary<string, Dictionary<float, long>>? Counts);

    public override IReadOnlyList<FeatureColumn> Declare(Schema schema)
        => [.. FittedBaseColumns.Kept(config, schema).Select(c => new FeatureColumn(c.Name, c.Kind, FromRawColumn: true))];

    public override IEnumerable<string> Reads => [];

    public override Partial FitPartial(FitShard shard, ParallelOptions parallel)
    {
        if (config.BaseValues.Source != BaseValueSource.Detect) { return new Partial(shard.Frame.Schema, null); }
        var numerics = shard.Frame.Numerics.Where(c => c.Kind == ColumnKind.Numeric).ToArray();
        var counts = new Dictionary<float, long>[numerics.Length];
        var rows = shard.Fitting.Rows;
        // One column per iteration, each result in its own slot: nothing depends on the schedule.
        Parallel.For(0, numerics.Length, parallel, i =>
        {
            var values = numerics[i].Values;
            var column = new Dictionary<float, long>();
            for (var r = 0; r < shard.Fitting.Count; r++)
            {
                var v = values[rows is null ? r : rows[r]];
                if (!float.IsNaN(v)) { System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(column, v, out _)++; }
            }
            counts[i] = column;
        });
        return new Partial(shard.Frame.Schema, numerics.Select((c, i) => (c.Name, counts[i])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal));
    }

    public override Partial Merge(Partial earlier, Partial later)
    {
        if (earlier.Counts is null || later.Counts is null) { return earlier; }
        foreach (var (name, counts) in later.Counts)
        {
            var into = earlier.Counts[name];
            foreach (var (value, count) in counts)
            {
                System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(into, value, out _) += count;
            }
        }
        return earlier;
    }

    /// <summary>The schema's columns (name, kind), then, when bases are detected, each column's values and counts in
    /// the dictionary's order.</summary>
    public override void WritePartial(BinaryWriter writer, Partial partial)
    {
        writer.Write(partial.Schema.Count);
        foreach (var column in partial.Schema.Columns)
        {
            writer.WriteString(column.Name);
            writer.Write((int)column.Kind);
        }
        writer.Write(partial.Counts is not null);
        if (partial.Counts is null) { return; }
        writer.Write(partial.Counts.Count);
        foreach (var (name, counts) in partial.Counts)
        {
            writer.WriteString(name);
            writer.WriteArray<float>([.. counts.Keys]);
            writer.WriteArray<long>([.. counts.Values]);
        }
    }

    public override Partial ReadPartial(BinaryReader reader)
    {
        var columns = new ColumnSpec[reader.ReadCount(sizeof(int) + sizeof(int))];
        for (var i = 0; i < columns.Length; i++)
        {
            var name = reader.ReadText();
            var kind = reader.ReadInt32();
            columns[i] = new ColumnSpec(name, Enum.IsDefined((ColumnKind)kind) ? (ColumnKind)kind : throw new InvalidDataException($"column {name}: {kind} is not a column kind"));
        }
        var schema = new Schema(columns);
        if (!reader.ReadBoolean()) { return new Partial(schema, null); }
        var all = new Dictionary<string, Dictionary<float, long>>(StringComparer.Ordinal);
        for (var c = reader.ReadCount(sizeof(int)); c > 0; c--)
        {
            var name = reader.ReadText();
            var (values, counts) = (reader.ReadArray<float>(), reader.ReadArray<long>());
            if (values.Length != counts.Length) { throw new InvalidDataException($"column {name}: {values.Length} values but {counts.Length} counts"); }
            var column = new Dictionary<float, long>(values.Length);
            for (var i = 0; i < values.Length; i++) { column.Add(values[i], counts[i]); }
            all.Add(name, column);
        }
        return new Partial(schema, all);
    }

    public override FittedBaseColumns Finish(Partial merged)
        => FittedBaseColumns.Of(config, merged.Schema, merged.Counts is null ? new Dictionary<string, double>() : Detect(merged.Counts));

    /// <summary>Bases found by the data report's detector (whole multiples in ≥ 99% of rows) from the value counts.</summary>
    private static Dictionary<string, double> Detect(Dictionary<string, Dictionary<float, long>> counts)
    {
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, column) in counts)
        {
            var values = column.Keys.Order().ToArray();
            var distribution = new Analysis.ColumnDistribution(name, ColumnKind.Numeric, [.. values.Select(v => (double)v)], [[.. values.Select(v => column[v])]], [0]);
            if (Analysis.BaseValues.Detect(distribution, null).Base is double b && b > 0) { found[name] = b; }
        }
        return found;
    }

    public override IReadOnlyList<FeatureColumn> Outputs(FittedBaseColumns fitted)
        => [.. fitted.Columns.Select(c => new FeatureColumn(c.Name, c.Kind, FromRawColumn: true))];

    /// <summary>One block per column: a selection that keeps a few base columns computes only those.</summary>
    public override IEnumerable<StepBlock> Blocks(FittedBaseColumns fitted, StepInputs inputs)
        => fitted.Columns.Select(c => new StepBlock(1, (matrix, first) => fitted.Clean(inputs.Inputs.Frame, c.Name, c.Base, matrix.Column(first), inputs.Inputs.Rows)));

    public override void Transform(FittedBaseColumns fitted, StepInputs inputs, FeatureMatrix matrix, int first)
    {
        foreach (var block in Blocks(fitted, inputs)) { block.Write(matrix, first++); }
    }

    public override RowWriter BindRow(FittedBaseColumns fitted, RowBinder binder)
        => new Writer([.. fitted.Columns.Select(c => binder.Number(c.Name))]);

    private sealed class Writer(NumberSource[] columns) : RowWriter
    {
        public override void Write(in RowValues row, Span<float> output)
        {
            for (var i = 0; i < columns.Length; i++) { output[i] = row.Number(columns[i]); }
        }
    }
}
