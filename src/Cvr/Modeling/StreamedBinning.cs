using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>The features of the rows at the given positions (indices among the rows being binned), column-major.</summary>
internal delegate FeatureMatrix RowsTransform(ReadOnlySpan<int> positions);

/// <summary>
/// Bins training rows without holding their float matrix: LightGBM's own sample rows first (its bins), then the
/// rows in order, a chunk of <see cref="ChunkValues"/> values at a time (see <see cref="DatasetStream"/>: the same
/// Dataset as binning the whole matrix). Used for the engineered features and the raw-columns baseline alike.
/// </summary>
internal static class StreamedBinning
{
    /// <summary>Values per chunk: 16M floats (64 MB), however many features there are.</summary>
    internal const int ChunkValues = 1 << 24;

    public static Dataset Build(int rows, int columns, LightGbmParameters binning, RowsTransform transform, PhaseTimer timer,
        int chunkValues = ChunkValues)
    {
        // Whatever the caller's earlier phases left (a fit's temporaries: 1.1 GB at scale 1.0) would otherwise sit
        // beside the bins LightGBM allocates next, and set the peak.
        ModelInputs.ReleaseMemory();
        var sample = DatasetStream.SampleRows(rows, binning);
        var sampled = timer.Time("features", () => transform(sample));
        using var stream = timer.Time("lightgbm: dataset", () => DatasetStream.Begin(sampled.Data, sampled.Rows, columns, rows, binning));
        sampled = null;
        var chunk = Math.Max(1, chunkValues / columns);
        var positions = new int[chunk];
        for (var start = 0; start < rows; start += chunk)
        {
            var count = Math.Min(chunk, rows - start);
            for (var i = 0; i < count; i++) { positions[i] = start + i; }
            var matrix = timer.Time("features", () => transform(positions.AsSpan(0, count)));
            timer.Time("lightgbm: dataset", () => stream.Push(matrix.Data, count));
            matrix = null;
            CollectChunk();
        }
        return stream.Complete();
    }

    /// <summary>
    /// Collects a chunk's garbage once it is consumed. Each chunk's matrix and inputs are large-object garbage, which
    /// a workstation collector may leave for many chunks (the heap grew by 6 GB over scale 1.0's 38 chunks): collected
    /// here, the next chunk reuses the same memory. Marking is cheap — the live heap is mostly arrays of numbers.
    /// Every reader of training rows in chunks calls it (the bins, the deep model's inputs).
    /// </summary>
    internal static void CollectChunk() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
}
