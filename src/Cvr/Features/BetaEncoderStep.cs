using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// Beta target encoding of one categorical input for one target (paper 3.2, <see cref="FittedBetaEncoder"/>). The
/// partial state is the per-category counts, which add up across shards. Training rows are encoded out of fold or as
/// of their day when the transform is given how (<see cref="StepInputs.Encoding"/>).
/// </summary>
internal sealed class BetaEncoderStep(string column, string target, TargetEncodingConfig config) : FeatureStep<FittedBetaEncoder, FittedBetaEncoder>
{
    private readonly FeatureColumn[] _outputs = [.. FittedBetaEncoder.NamesOf(target, column, config.Statistics).Select(n => new FeatureColumn(n, ColumnKind.Numeric))];

    public override IReadOnlyList<FeatureColumn> Declare(Schema schema) => _outputs;

    public override IEnumerable<string> Reads => [column];

    public override bool FitsSideBySide => true;

    public override FittedBetaEncoder FitPartial(FitShard shard, ParallelOptions parallel)
        => FittedBetaEncoder.Fit(column, target, config, shard.Fitting.Keys(column), shard.Labels(target), shard.SampleSpace(target));

    public override FittedBetaEncoder Merge(FittedBetaEncoder earlier, FittedBetaEncoder later) => FittedBetaEncoder.Merge(earlier, later);

    public override FittedBetaEncoder Finish(FittedBetaEncoder merged) => merged;

    /// <summary>Every field of the record: the settings with the counts, so a merge of two encoders can't mix settings unseen.</summary>
    public override void WritePartial(BinaryWriter writer, FittedBetaEncoder partial)
    {
        writer.WriteString(partial.Column);
        writer.WriteString(partial.Target);
        writer.Write(partial.MinCount);
        writer.Write((int)partial.Prior);
        writer.Write((int)partial.Moments);
        writer.WriteEnums(partial.Statistics);
        writer.Write(partial.TotalPositives);
        writer.Write(partial.TotalRows);
        writer.WriteArray<int>(partial.Keys);
        writer.WriteArray<long>(partial.Positives);
        writer.WriteArray<long>(partial.Rows);
    }

    public override FittedBetaEncoder ReadPartial(BinaryReader reader)
    {
        var read = new FittedBetaEncoder(reader.ReadText(), reader.ReadText(), reader.ReadInt32(), PartialFormat.Enum<BetaPriorRule>(reader.ReadInt32()),
            PartialFormat.Enum<BetaMomentFormulas>(reader.ReadInt32()), reader.ReadEnums<BetaStatistic>(), reader.ReadInt64(), reader.ReadInt64(),
            reader.ReadArray<int>(), reader.ReadArray<long>(), reader.ReadArray<long>());
        if (read.Column != column || read.Target != target)
        {
            throw new InvalidDataException($"the partial state of the encoding of {read.Column} for {read.Target} was read for {column} and {target}");
        }
        if (read.Positives.Length != read.Keys.Length || read.Rows.Length != read.Keys.Length)
        {
            throw new InvalidDataException($"the encoding of {column} for {target}: {read.Keys.Length} categories, {read.Positives.Length} positives, {read.Rows.Length} row counts");
        }
        return read;
    }

    public override IReadOnlyList<FeatureColumn> Outputs(FittedBetaEncoder fitted)
        => [.. fitted.OutputNames.Select(n => new FeatureColumn(n, ColumnKind.Numeric))];

    public override void Transform(FittedBetaEncoder fitted, StepInputs inputs, FeatureMatrix matrix, int first)
    {
        var keys = inputs.Inputs.Keys(column);
        if (inputs.Encoding is null) { BetaEncoding.Transform(fitted, keys, matrix, first); }
        else { BetaEncoding.WriteByTable(fitted, inputs.Encoding.Tables(fitted), keys, inputs.TableOf, matrix, first); }
    }

    public override RowWriter BindRow(FittedBetaEncoder fitted, RowBinder binder)
    {
        // The lookups are built now, not on the first request.
        _ = fitted.Index;
        return new Writer(fitted.Table(), fitted.Index, binder.Key(column));
    }

    private sealed class Writer(float[,] table, IReadOnlyDictionary<int, int> index, int key) : RowWriter
    {
        public override void Write(in RowValues row, Span<float> output) => BetaEncoding.Write(table, KeyIndex.Find(index, row.Keys[key]), output, 1);
    }
}
