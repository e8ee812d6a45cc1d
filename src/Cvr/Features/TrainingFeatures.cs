using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The training rows' features of a freshly fitted pipeline, written for all of them or any subset: target
/// encodings out of fold or as of each row's day (<see cref="TrainingEncoding"/>: tables from every training row,
/// computed once), crosses and group statistics as of each row's day when the config says so
/// (<see cref="SeenBefore"/>), every other step as
/// <see cref="FittedFeaturePipeline.Transform(Frame, int[], ParallelOptions)"/> writes it. Each row's values depend
/// only on the fit and on the row, so taking the rows in chunks gives the matrix of taking them at once, bit for
/// bit — which lets training stream the matrix into LightGBM without ever holding it whole.
/// </summary>
public sealed class TrainingFeatures
{
    private readonly FeatureInputs _all;
    private readonly TrainingEncoding? _encoding;
    private readonly SeenBefore? _seen;
    private readonly ParallelOptions _parallel;
    private readonly Lock _wholeLock = new();
    private FeatureMatrix? _whole;
    private readonly int _offset;

    /// <param name="encoding">How target encodings of the training rows are computed (out of fold, as of their
    /// day), or null for the full fit (in sample).</param>
    /// <param name="seen">What crosses and group statistics configured as of the row's day read, or null.</param>
    /// <param name="offset">The position of the first of <paramref name="all"/> among every rank's training rows (a rank of
    /// a data-parallel job whose frame holds only its own); 0 otherwise.</param>
    /// <param name="total">Every rank's training rows; null: <paramref name="all"/> are all of them.</param>
    internal TrainingFeatures(FittedFeaturePipeline pipeline, FeatureInputs all, TrainingEncoding? encoding, SeenBefore? seen, ParallelOptions parallel,
        int offset = 0, int? total = null)
    {
        if (offset < 0 || (total is { } t && offset + all.Count > t)) { throw new ArgumentOutOfRangeException(nameof(offset), $"rows {offset}.. of {total} can't hold {all.Count}"); }
        _offset = offset;
        Count = total ?? all.Count;
        Pipeline = pipeline;
        _all = all;
        _parallel = parallel;
        _encoding = encoding;
        _seen = seen;
    }

    public FittedFeaturePipeline Pipeline { get; }

    /// <summary>Every training row (every rank's, on a rank of a data-parallel job whose frame holds only its own).</summary>
    public int Count { get; }

    /// <summary>Whether a subset's features are those of the same rows taken with the others: not with a step that
    /// reads the row's day's other rows — group statistics over each day's rows, history's same-day share (a chunk,
    /// or LightGBM's sample rows, would hold only part of each day).</summary>
    public bool Chunkable => Pipeline.Chunkable;

    /// <summary>Every training row's features, in the order of the rows fitted on.</summary>
    public FeatureMatrix Transform() => Pipeline.Transform(_all, _encoding, _parallel, _seen);

    /// <summary>The features of the training rows at <paramref name="positions"/> (indices into the rows fitted on),
    /// in that order. When the pipeline is not <see cref="Chunkable"/>, the rows are taken from every training row's
    /// matrix, computed on first use and kept as long as this instance: the same values, without the memory saving.</summary>
    public FeatureMatrix Transform(ReadOnlySpan<int> positions)
    {
        var rows = new int[positions.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var p = positions[i] - _offset;
            if ((uint)p >= (uint)_all.Count)
            {
                throw new ArgumentOutOfRangeException(nameof(positions), $"position {positions[i]} is not one of the {_all.Count} training rows from position {_offset} on");
            }
            rows[i] = _all.Rows is null ? p : _all.Rows[p];
        }
        if (Chunkable)
        {
            return Pipeline.Transform(_all.Subset(rows), _encoding, _parallel, _seen);
        }
        lock (_wholeLock)
        {
            _whole ??= Transform();
        }
        if (_offset == 0) { return _whole.SelectRows(positions); }
        var local = new int[positions.Length];
        for (var i = 0; i < local.Length; i++) { local[i] = positions[i] - _offset; }
        return _whole.SelectRows(local);
    }
}
