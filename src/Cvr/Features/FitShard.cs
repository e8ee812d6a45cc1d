using System.Collections.Concurrent;
using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// One shard of the rows a feature step fits on: a contiguous range of the frame's rows (a machine's part of the
/// data, or all of it). Steps fit each shard into a partial state and merge the partials in shard order
/// (<see cref="FeatureStep{TPartial, TFitted}"/>).
/// </summary>
internal sealed class FitShard(FeatureInputs fitting, long offset, FitPart part, FeatureInputs? labelled)
{
    private readonly ConcurrentDictionary<(bool Labelled, string Target), Lazy<byte[]>> _labels = new();

    /// <summary>The shard's fitting rows.</summary>
    public FeatureInputs Fitting { get; } = fitting;

    /// <summary>Position of the shard's first fitting row among the fitting rows of its <see cref="Part"/>: steps
    /// that cut rows into fixed slices cut them at the same places whatever the shards.</summary>
    public long Offset { get; } = offset;

    public FitPart Part { get; } = part;

    /// <summary>Every row of the shard's range, fitting or not (history counts every labelled row); null for
    /// unlabelled rows.</summary>
    public FeatureInputs? Labelled { get; } = labelled;

    public Frame Frame => Fitting.Frame;

    /// <summary>A target's 0/1 values of the fitting rows, computed once per shard.</summary>
    public byte[] Labels(string target) => LabelsOf(Fitting, false, target);

    /// <summary>A target's 0/1 values of the <see cref="Labelled"/> rows, computed once per shard.</summary>
    public byte[] LabelledLabels(string target) => LabelsOf(Labelled ?? throw new InvalidOperationException("an unlabelled shard has no labels"), true, target);

    private byte[] LabelsOf(FeatureInputs rows, bool labelled, string target) => _labels.GetOrAdd((labelled, target), k => new Lazy<byte[]>(
        () => FeaturePipeline.Select(Targets.Values(Frame, k.Target), rows.Rows))).Value;

    /// <summary>The fitting rows' 0/1 sample space of a target (<see cref="Targets.SampleSpace"/>), null for every row.</summary>
    public byte[]? SampleSpace(string target) => Targets.SampleSpaceOf(target) is { } space ? Labels(space) : null;
}

/// <summary>Which rows a shard holds.</summary>
internal enum FitPart
{
    /// <summary>Labelled training rows: every step fits on them.</summary>
    Training,
    /// <summary>Unlabelled rows (the test set), read only by steps that say so (group statistics over train and test).</summary>
    Unlabelled,
}
