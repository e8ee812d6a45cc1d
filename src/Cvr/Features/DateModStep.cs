using Cvr.Data;

namespace Cvr.Features;

/// <summary>The fitted date_mod step: its modulus (nothing is learned from rows).</summary>
internal sealed record FittedDateMod(int Modulus);

/// <summary>Method-notes preprocessing 3: <c>date_mod = f_1 % 7</c>, a weekday-like cycle; f_1 stays too. A key
/// later steps can read (crosses, group statistics, encodings).</summary>
internal sealed class DateModStep(int modulus) : FeatureStep<FittedDateMod, FittedDateMod>
{
    public const string OutputName = "date_mod";

    private static readonly FeatureColumn[] s_outputs = [new(OutputName, ColumnKind.Categorical)];

    public override IReadOnlyList<FeatureColumn> Declare(Schema schema) => s_outputs;

    public override IEnumerable<string> Reads => [];

    public override string Key => OutputName;

    public override FittedDateMod FitPartial(FitShard shard, ParallelOptions parallel) => new(modulus);

    public override FittedDateMod Merge(FittedDateMod earlier, FittedDateMod later) => earlier;

    public override FittedDateMod Finish(FittedDateMod merged) => merged;

    public override void WritePartial(BinaryWriter writer, FittedDateMod partial) => writer.Write(partial.Modulus);

    public override FittedDateMod ReadPartial(BinaryReader reader) => new(reader.ReadInt32());

    public override IReadOnlyList<FeatureColumn> Outputs(FittedDateMod fitted) => s_outputs;

    public override void Transform(FittedDateMod fitted, StepInputs inputs, FeatureMatrix matrix, int first)
        => KeyColumn.Copy(inputs.Inputs.Keys(OutputName), matrix.Column(first));

    public override void WriteKeys(FittedDateMod fitted, FeatureInputs inputs, Span<int> keys)
    {
        var days = inputs.Frame.Days;
        var rows = inputs.Rows;
        for (var i = 0; i < keys.Length; i++) { keys[i] = FeatureInputs.Mod(days[rows is null ? i : rows[i]], fitted.Modulus); }
    }

    public override RowWriter BindRow(FittedDateMod fitted, RowBinder binder) => new KeyColumn(binder.Key(OutputName));

    public override RowKey BindKey(FittedDateMod fitted, RowBinder binder) => new DayKey(binder.Column(Schema.DayColumn), fitted.Modulus);

    private sealed class DayKey(int dayColumn, int modulus) : RowKey
    {
        public override int Compute(RawRow row, ReadOnlySpan<int> keys) => FeatureInputs.Mod(row.Integer(dayColumn), modulus);
    }
}

/// <summary>The output of a step whose value is its integer key (date_mod, a cross), as a float column.</summary>
internal sealed class KeyColumn(int slot) : RowWriter
{
    public override void Write(in RowValues row, Span<float> output) => output[0] = row.Keys[slot];

    public static void Copy(int[] keys, Span<float> output)
    {
        for (var i = 0; i < keys.Length; i++) { output[i] = keys[i]; }
    }
}
