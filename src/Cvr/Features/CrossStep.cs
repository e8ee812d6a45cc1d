using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// Method-notes preprocessing 4: a label-encoded cross such as <c>f_4@f_6</c> (<see cref="FittedCross"/>). Its
/// partial state is the set of pairs seen, merged by union; codes follow the ascending pair order, so they don't
/// depend on how the rows were sharded. A key later steps can read. With <paramref name="asOf"/>, the training rows'
/// own column is written as of their day (<see cref="SeenBefore"/>); the key later steps read is the full fit's
/// code either way (the pair's identity: each of those steps has its own encoding option).
/// </summary>
internal sealed class CrossStep(string left, string right, bool asOf = false) : FeatureStep<HashSet<long>, FittedCross>
{
    public static string NameOf(string left, string right) => $"{left}@{right}";

    private readonly FeatureColumn[] _outputs = [new(NameOf(left, right), ColumnKind.Categorical)];

    public string Name => _outputs[0].Name;

    public override IReadOnlyList<FeatureColumn> Declare(Schema schema) => _outputs;

    public override IEnumerable<string> Reads => [left, right];

    public override string Key => Name;

    public override HashSet<long> FitPartial(FitShard shard, ParallelOptions parallel)
        => FittedCross.PairsOf(shard.Fitting.Keys(left), shard.Fitting.Keys(right));

    public override HashSet<long> Merge(HashSet<long> earlier, HashSet<long> later)
    {
        earlier.UnionWith(later);
        return earlier;
    }

    public override void WritePartial(BinaryWriter writer, HashSet<long> partial) => writer.WriteArray<long>([.. partial]);

    public override HashSet<long> ReadPartial(BinaryReader reader)
    {
        var pairs = reader.ReadArray<long>();
        var set = new HashSet<long>(pairs.Length, FittedCross.PairComparer.Instance);
        foreach (var pair in pairs) { set.Add(pair); }
        return set;
    }

    public override FittedCross Finish(HashSet<long> merged) => FittedCross.FromPairs(left, right, merged);

    public override IReadOnlyList<FeatureColumn> Outputs(FittedCross fitted) => _outputs;

    public override void Transform(FittedCross fitted, StepInputs inputs, FeatureMatrix matrix, int first)
    {
        var codes = inputs.Inputs.Keys(Name);
        if (!asOf || inputs.Seen is not { } seen) { KeyColumn.Copy(codes, matrix.Column(first)); return; }
        var firstDays = seen.FirstDays(fitted);
        var day = inputs.Day;
        var output = matrix.Column(first);
        for (var i = 0; i < codes.Length; i++) { output[i] = SeenBefore.Code(firstDays, codes[i], day[i]); }
    }

    public override void WriteKeys(FittedCross fitted, FeatureInputs inputs, Span<int> keys)
        => fitted.Encode(inputs.Keys(left), inputs.Keys(right), keys);

    public override RowWriter BindRow(FittedCross fitted, RowBinder binder) => new KeyColumn(binder.Key(Name));

    public override RowKey BindKey(FittedCross fitted, RowBinder binder)
    {
        fitted.Code(0, 0); // builds the lookup now, not on the first request
        return new PairKey(fitted, binder.Key(left), binder.Key(right));
    }

    private sealed class PairKey(FittedCross cross, int left, int right) : RowKey
    {
        public override int Compute(RawRow row, ReadOnlySpan<int> keys) => cross.Code(keys[left], keys[right]);
    }
}
