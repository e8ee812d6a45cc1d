using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// A feature step as the pipeline sees it: configuration only, the output columns it declares before fitting, the
/// inputs it reads, and a fit over shards that returns the <see cref="FittedStep"/>. Every listing of the pipeline
/// (names, kinds, required columns, the batch and the per-row transform) is derived from a list of these.
/// </summary>
internal abstract class FeatureStep
{
    /// <summary>The output columns, declared from the training schema before fitting (feature selection prunes by them).</summary>
    public abstract IReadOnlyList<FeatureColumn> Declare(Schema schema);

    /// <summary>The inputs it reads: base columns, or the <see cref="Key"/> of an earlier step.</summary>
    public abstract IEnumerable<string> Reads { get; }

    /// <summary>The integer key this step gives later steps to read (date_mod, a cross), or null.</summary>
    public virtual string? Key => null;

    /// <summary>Whether the step also fits on unlabelled rows (<see cref="FitPart.Unlabelled"/> shards).</summary>
    public virtual bool ReadsUnlabelled => false;

    /// <summary>Whether the pipeline fits this step beside others: a fit that is one pass on one thread. A step
    /// whose fit fills the cores itself (group statistics' slices) is fitted alone, so its memory isn't doubled.</summary>
    public virtual bool FitsSideBySide => false;

    /// <summary>Fits each shard, merges the partials in shard order and finalises.</summary>
    public abstract FittedStep Fit(IReadOnlyList<FitShard> shards, ParallelOptions parallel);

    /// <summary>One rank's part of a fit across ranks: its shards fitted and merged in shard order, in serialised form
    /// (<see cref="PartialFormat"/>).</summary>
    public abstract byte[] FitSerialised(IReadOnlyList<FitShard> shards, ParallelOptions parallel);

    /// <summary>The fitted step from every rank's <see cref="FitSerialised"/> partial, read back, merged in rank order and
    /// finalised: what <see cref="Fit"/> gives on every rank's shards in that order.</summary>
    /// <exception cref="InvalidDataException">Bytes that aren't this step's partial state.</exception>
    public abstract FittedStep MergeSerialised(IReadOnlyList<ReadOnlyMemory<byte>> partials);
}

/// <summary>
/// One feature step, whole: it fits one shard of rows into a partial state (<see cref="FitPartial"/>), merges two
/// partials (<see cref="Merge"/>, the earlier rows on the left), finalises the merged partial into the fitted state
/// (<see cref="Finish"/>), and with that state transforms a batch and binds the per-row path; it says whether its
/// values can be computed in chunks of rows and served row by row. Merging is exact (integer counts, unions, and
/// floating-point sums over slices cut at fixed row positions), so fitting on any shards gives the bytes of one fit
/// on all the rows: what training across machines stands on.
/// </summary>
internal abstract class FeatureStep<TPartial, TFitted> : FeatureStep where TFitted : class
{
    public abstract TPartial FitPartial(FitShard shard, ParallelOptions parallel);

    public abstract TPartial Merge(TPartial earlier, TPartial later);

    public abstract TFitted Finish(TPartial merged);

    /// <summary>The fitted step's output columns.</summary>
    public abstract IReadOnlyList<FeatureColumn> Outputs(TFitted fitted);

    /// <summary>The output in blocks of columns; each block is one unit of parallel work that writes only its own columns.</summary>
    public virtual IEnumerable<StepBlock> Blocks(TFitted fitted, StepInputs inputs)
    {
        var width = Outputs(fitted).Count;
        return [new StepBlock(width, (matrix, first) => Transform(fitted, inputs, matrix, first))];
    }

    /// <summary>Writes every output column from <paramref name="first"/> on.</summary>
    public abstract void Transform(TFitted fitted, StepInputs inputs, FeatureMatrix matrix, int first);

    /// <summary>The step's per-row writer, its inputs resolved through <paramref name="binder"/>.</summary>
    public abstract RowWriter BindRow(TFitted fitted, RowBinder binder);

    /// <summary>Whether a subset of rows gets the values it gets among all rows (not when a value reads the day's other rows).</summary>
    public virtual bool Chunkable(TFitted fitted) => true;

    /// <summary>Why the step has no per-row form, or null when it has one.</summary>
    public virtual UnservableReason? Unservable(TFitted fitted) => null;

    /// <summary>The key of each row of <paramref name="inputs"/>, for a step with a <see cref="FeatureStep.Key"/>.</summary>
    public virtual void WriteKeys(TFitted fitted, FeatureInputs inputs, Span<int> keys)
        => throw new InvalidOperationException($"{GetType().Name} gives no key");

    /// <summary>The per-row form of <see cref="WriteKeys"/>.</summary>
    public virtual RowKey BindKey(TFitted fitted, RowBinder binder)
        => throw new InvalidOperationException($"{GetType().Name} gives no key");

    /// <summary>Writes a partial state in its serialised form (<see cref="PartialFormat"/>), entry for entry, so that
    /// <see cref="ReadPartial"/> gives back a state that merges and finishes to the same bytes.</summary>
    public abstract void WritePartial(BinaryWriter writer, TPartial partial);

    /// <summary>Reads what <see cref="WritePartial"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Bytes that aren't a partial state of this step.</exception>
    public abstract TPartial ReadPartial(BinaryReader reader);

    public sealed override FittedStep Fit(IReadOnlyList<FitShard> shards, ParallelOptions parallel) => Bind(Finish(FitMerged(shards, parallel)));

    public sealed override byte[] FitSerialised(IReadOnlyList<FitShard> shards, ParallelOptions parallel)
    {
        var merged = FitMerged(shards, parallel);
        return PartialFormat.Serialise(w => WritePartial(w, merged));
    }

    public sealed override FittedStep MergeSerialised(IReadOnlyList<ReadOnlyMemory<byte>> partials)
    {
        ArgumentOutOfRangeException.ThrowIfZero(partials.Count);
        var merged = Deserialise(partials[0]);
        for (var i = 1; i < partials.Count; i++) { merged = Merge(merged, Deserialise(partials[i])); }
        return Bind(Finish(merged));
    }

    /// <summary>A partial state read back from <see cref="WritePartial"/>'s bytes, which it must use up.</summary>
    internal TPartial Deserialise(ReadOnlyMemory<byte> bytes) => PartialFormat.Deserialise(bytes, ReadPartial, GetType().Name);

    /// <summary>Each shard fitted, the partials merged in shard order, whichever shard finished first.</summary>
    private TPartial FitMerged(IReadOnlyList<FitShard> shards, ParallelOptions parallel)
    {
        ArgumentOutOfRangeException.ThrowIfZero(shards.Count);
        var partials = new TPartial[shards.Count];
        Parallel.For(0, shards.Count, parallel, i => partials[i] = FitPartial(shards[i], parallel));
        var merged = partials[0];
        for (var i = 1; i < partials.Length; i++) { merged = Merge(merged, partials[i]); }
        return merged;
    }

    /// <summary>This step with a fitted state (one just fitted, or one read from a bundle).</summary>
    public FittedStep Bind(TFitted fitted) => new Fitted(this, fitted);

    private sealed class Fitted(FeatureStep<TPartial, TFitted> step, TFitted state) : FittedStep
    {
        public override FeatureStep Step => step;

        public override object State => state;

        public override IReadOnlyList<FeatureColumn> Outputs => field ??= step.Outputs(state);

        public override bool Chunkable => step.Chunkable(state);

        public override UnservableReason? Unservable => step.Unservable(state);

        public override IEnumerable<StepBlock> Blocks(StepInputs inputs) => step.Blocks(state, inputs);

        public override RowWriter BindRow(RowBinder binder) => step.BindRow(state, binder);

        public override void WriteKeys(FeatureInputs inputs, Span<int> keys) => step.WriteKeys(state, inputs, keys);

        public override RowKey BindKey(RowBinder binder) => step.BindKey(state, binder);
    }
}

/// <summary>A feature step with its fitted state: what the fitted pipeline is a list of.</summary>
internal abstract class FittedStep
{
    public abstract FeatureStep Step { get; }

    /// <summary>The fitted state (what the bundle stores).</summary>
    public abstract object State { get; }

    public abstract IReadOnlyList<FeatureColumn> Outputs { get; }

    public abstract bool Chunkable { get; }

    public abstract UnservableReason? Unservable { get; }

    public abstract IEnumerable<StepBlock> Blocks(StepInputs inputs);

    public abstract RowWriter BindRow(RowBinder binder);

    public abstract void WriteKeys(FeatureInputs inputs, Span<int> keys);

    public abstract RowKey BindKey(RowBinder binder);
}

/// <summary>A block of <paramref name="Width"/> output columns and how to write them into a matrix from a column on.</summary>
internal sealed record StepBlock(int Width, Action<FeatureMatrix, int> Write);

/// <summary>The rows a fitted step transforms, and for training rows how target-based steps encode them
/// (<see cref="TrainingEncoding"/>) and what the label-free keyed steps had seen before each row's day
/// (<see cref="SeenBefore"/>).</summary>
internal sealed class StepInputs(FeatureInputs inputs, TrainingEncoding? encoding, SeenBefore? seen = null)
{
    private readonly Lazy<int[]>? _tableOf = encoding is null ? null : new Lazy<int[]>(() => encoding.TableOf(inputs));
    private readonly Lazy<int[]>? _day = seen is null ? null : new Lazy<int[]>(() => seen.Days.IndexOf(inputs));

    public FeatureInputs Inputs { get; } = inputs;

    /// <summary>Null: encode with the full fit.</summary>
    public TrainingEncoding? Encoding { get; } = encoding;

    /// <summary>The table each row reads (only with <see cref="Encoding"/>), computed once for every step.</summary>
    public int[] TableOf => _tableOf!.Value;

    /// <summary>Null: the full fit (rows other than training rows, or no step as of the row's day).</summary>
    public SeenBefore? Seen { get; } = seen;

    /// <summary>Each row's day counted from the first training day (only with <see cref="Seen"/>), computed once for every step.</summary>
    public int[] Day => _day!.Value;
}

/// <summary>Why a step can't be served row by row: <paramref name="Template"/> names it, with <c>{0}</c> replaced by
/// the <paramref name="Item"/>s of every step that gives the same template (the history keys with a same-day share).</summary>
internal sealed record UnservableReason(string Template, string? Item = null);
