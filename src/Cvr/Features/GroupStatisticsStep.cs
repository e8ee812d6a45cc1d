using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// Method-notes preprocessing 5: 13 statistics of numeric <c>value</c> within groups of categorical <c>group</c>
/// (<see cref="FittedGroupStatistics"/>). The partial state is the rows' fixed slices (<see cref="GroupSlices"/>);
/// with scope train_and_test the unlabelled rows are a second part. With scope day the statistics are over each
/// transformed day's rows, which neither chunks of rows nor a single served row hold. With <paramref name="asOf"/>,
/// training rows get the statistics of the training rows of days before theirs (<see cref="SeenBefore"/>); the fit,
/// and so every other row's values, are the same.
/// </summary>
internal sealed class GroupStatisticsStep(string group, string value, StatisticsScope scope, int sliceRows, bool asOf = false)
    : FeatureStep<GroupSlices, FittedGroupStatistics>
{
    private readonly FeatureColumn[] _outputs = [.. FittedGroupStatistics.NamesOf(group, value).Select(n => new FeatureColumn(n, ColumnKind.Numeric))];

    public override IReadOnlyList<FeatureColumn> Declare(Schema schema) => _outputs;

    public override IEnumerable<string> Reads => [group, value];

    public override bool ReadsUnlabelled => scope == StatisticsScope.TrainAndTest;

    public override GroupSlices FitPartial(FitShard shard, ParallelOptions parallel)
        => GroupSlices.Of((int)shard.Part, shard.Offset, shard.Fitting.Keys(group), shard.Fitting.Numeric(value), sliceRows, parallel);

    public override GroupSlices Merge(GroupSlices earlier, GroupSlices later) => earlier.Merge(later);

    public override void WritePartial(BinaryWriter writer, GroupSlices partial) => partial.Write(writer);

    public override GroupSlices ReadPartial(BinaryReader reader) => GroupSlices.Read(reader);

    public override FittedGroupStatistics Finish(GroupSlices merged) => FittedGroupStatistics.Of(group, value, merged);

    public override IReadOnlyList<FeatureColumn> Outputs(FittedGroupStatistics fitted) => _outputs;

    public override bool Chunkable(FittedGroupStatistics fitted) => scope != StatisticsScope.Day;

    public override UnservableReason? Unservable(FittedGroupStatistics fitted)
        => scope == StatisticsScope.Day ? new UnservableReason("group statistics over each row's own day (scope \"day\")") : null;

    public override void Transform(FittedGroupStatistics fitted, StepInputs inputs, FeatureMatrix matrix, int first)
    {
        var rows = inputs.Inputs;
        if (scope == StatisticsScope.Day) { fitted.TransformByDay(rows.Keys(group), rows.Numeric(value), rows.Days(), matrix, first); }
        else if (asOf && inputs.Seen is { } seen) { fitted.TransformAsOf(seen.Statistics(fitted), rows.Keys(group), rows.Numeric(value), inputs.Day, matrix, first); }
        else { fitted.Transform(rows.Keys(group), rows.Numeric(value), matrix, first); }
    }

    public override RowWriter BindRow(FittedGroupStatistics fitted, RowBinder binder)
    {
        _ = fitted.Index; // builds the lookup now, not on the first request
        return new Writer(fitted, binder.Key(group), binder.Number(value));
    }

    private sealed class Writer(FittedGroupStatistics fitted, int key, NumberSource value) : RowWriter
    {
        public override void Write(in RowValues row, Span<float> output)
            => FittedGroupStatistics.Write(fitted.StatsOf(KeyIndex.Find(fitted.Index, row.Keys[key])), row.Number(value), output, 1);
    }
}
