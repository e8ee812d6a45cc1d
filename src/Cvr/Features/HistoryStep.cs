using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// Time-aware statistics of one key (<see cref="FittedHistory"/>), counted over every labelled row of each shard
/// (the fitting rows or not: a row reads only earlier days). The partial state is the sparse (key, day) counts,
/// which add up across shards (<see cref="FittedHistory.Merge"/>). The same-day share reads the transformed day's
/// other rows, which neither chunks of rows nor a single served row hold.
/// </summary>
internal sealed class HistoryStep(string key, HistoryConfig config) : FeatureStep<FittedHistory, FittedHistory>
{
    public override IReadOnlyList<FeatureColumn> Declare(Schema schema)
        => Columns(FittedHistory.NamesOf(key, config.Windows, config.Statistics, config.FirstSeen, config.SameDay));

    private static FeatureColumn[] Columns(IEnumerable<string> names) => [.. names.Select(n => new FeatureColumn(n, ColumnKind.Numeric))];

    public override IEnumerable<string> Reads => HistoryKeys.Columns(key);

    public override bool FitsSideBySide => true;

    public override FittedHistory FitPartial(FitShard shard, ParallelOptions parallel)
    {
        var rows = shard.Labelled ?? throw new InvalidOperationException("history counts labelled rows");
        return FittedHistory.Fit(key, config, HistoryKeys.For(rows, key), rows.Days(), shard.LabelledLabels(Targets.Like), shard.LabelledLabels(Targets.Installed));
    }

    public override FittedHistory Merge(FittedHistory earlier, FittedHistory later) => FittedHistory.Merge(earlier, later);

    public override FittedHistory Finish(FittedHistory merged) => merged;

    /// <summary>Every field of the record: the settings (checked again by <see cref="FittedHistory.Merge"/>) and the
    /// sparse counts.</summary>
    public override void WritePartial(BinaryWriter writer, FittedHistory partial)
    {
        writer.WriteString(partial.Key);
        writer.WriteArray<int>(partial.Windows);
        writer.WriteEnums(partial.Statistics);
        writer.Write(partial.PriorRows);
        writer.Write(partial.FirstSeen);
        writer.Write(partial.SameDay);
        writer.Write(partial.FirstDay);
        writer.Write(partial.LastDay);
        writer.WriteArray<long>(partial.Keys);
        foreach (var column in new[] { partial.EntryKey, partial.EntryDay, partial.Impressions, partial.Likes, partial.Installs }) { writer.WriteArray<int>(column); }
    }

    public override FittedHistory ReadPartial(BinaryReader reader)
    {
        var read = new FittedHistory(reader.ReadText(), reader.ReadArray<int>(), reader.ReadEnums<HistoryStatistic>(), reader.ReadDouble(), reader.ReadBoolean(),
            reader.ReadBoolean(), reader.ReadInt32(), reader.ReadInt32(), reader.ReadArray<long>(), reader.ReadArray<int>(), reader.ReadArray<int>(),
            reader.ReadArray<int>(), reader.ReadArray<int>(), reader.ReadArray<int>());
        if (read.Key != key) { throw new InvalidDataException($"the partial state of history of {read.Key} was read for {key}"); }
        var entries = read.EntryKey.Length;
        if (new[] { read.EntryDay, read.Impressions, read.Likes, read.Installs }.Any(c => c.Length != entries) || read.EntryKey.Any(k => (uint)k >= (uint)read.Keys.Length))
        {
            throw new InvalidDataException($"the partial state of history of {key} has entries that don't match its {read.Keys.Length} keys");
        }
        return read;
    }

    public override IReadOnlyList<FeatureColumn> Outputs(FittedHistory fitted) => Columns(fitted.OutputNames);

    public override bool Chunkable(FittedHistory fitted) => !fitted.SameDay;

    public override UnservableReason? Unservable(FittedHistory fitted)
        => fitted.SameDay ? new UnservableReason("history's same-day share ({0}; history.same_day)", fitted.Key) : null;

    public override void Transform(FittedHistory fitted, StepInputs inputs, FeatureMatrix matrix, int first)
        => fitted.Transform(HistoryKeys.For(inputs.Inputs, fitted.Key), inputs.Inputs.Days(), matrix, first);

    public override RowWriter BindRow(FittedHistory fitted, RowBinder binder)
    {
        fitted.Prepare();
        return new Writer(fitted, [.. fitted.Columns.Select(binder.Key)]);
    }

    private sealed class Writer(FittedHistory fitted, int[] keys) : RowWriter
    {
        /// <summary>Most columns a history key can join: every categorical column (f_2..f_32).</summary>
        private const int MaxKeyColumns = 31;

        public override void Write(in RowValues row, Span<float> output)
        {
            Span<int> values = stackalloc int[MaxKeyColumns];
            for (var c = 0; c < keys.Length; c++) { values[c] = row.Keys[keys[c]]; }
            fitted.Write(fitted.IndexOf(HistoryKeys.Of(values[..keys.Length])), row.Day, 0, output, 1);
        }
    }
}
