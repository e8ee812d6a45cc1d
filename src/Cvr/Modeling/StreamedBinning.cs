using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>The features of the rows at the given positions (indices among the rows being binned), column-major.</summary>
internal delegate FeatureMatrix RowsTransform(ReadOnlySpan<int> positions);

/// <summary>The features of LightGBM's sample rows at <paramref name="positions"/> (indices among the rows being binned),
/// in that order; <paramref name="round"/> names the sample (<c>sample</c>, <c>sample-liked</c>).</summary>
internal delegate FeatureMatrix SampleTransform(int[] positions, string round);

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
        int chunkValues = ChunkValues) => Build(rows, columns, binning, transform, timer, null, chunkValues).All;

    /// <summary>
    /// Bins the rows, and with <paramref name="subset"/> (positions, strictly increasing) those rows as a Dataset of
    /// their own in the same pass: its own sample, bins, feature bundles and sparse statistics, its rows taken from
    /// each chunk as it goes by. Stage 2's liked rows are binned this way, never as a LightGBM subset of the rows'
    /// Dataset (LGBM_DatasetGetSubset keeps the parent's sparse statistics, and on a subset denser than its parent
    /// LightGBM 4.7.0 overflows the row index of its multi-value bin and corrupts the heap: docs/lightgbm-subset-overflow.md).
    /// </summary>
    /// <param name="block">One rank's rows of a data-parallel job (positions [Start, End), see <see cref="RankRows"/>):
    /// the Datasets hold only these rows (and the subset's among them), binned from the sample of all
    /// <paramref name="rows"/> (and of the whole subset), which every rank draws and transforms alike, so every rank
    /// bins exactly as one machine would. Call under the network. Null: every row, no network.</param>
    /// <param name="sampled">The sample rows' features (<see cref="RankSample"/>: every rank's sampled rows, gathered
    /// through the shared folder); null: <paramref name="transform"/>'s.</param>
    public static (Dataset All, Dataset? Subset) Build(int rows, int columns, LightGbmParameters binning, RowsTransform transform,
        PhaseTimer timer, int[]? subset, int chunkValues = ChunkValues, (int Start, int End)? block = null, SampleTransform? sampled = null)
    {
        sampled ??= (positions, _) => transform(positions);
        // Whatever the caller's earlier phases left (a fit's temporaries: 1.1 GB at scale 1.0) would otherwise sit
        // beside the bins LightGBM allocates next, and set the peak.
        MemoryPolicy.PhaseEnded();
        var (start, end) = block ?? (0, rows);
        var next = subset is null ? 0 : FirstAtOrAfter(subset, start);
        var localSubset = subset is null ? 0 : FirstAtOrAfter(subset, end) - next;
        using var stream = Begin(rows, end - start, columns, binning, sampled, timer, null, block is not null);
        using var subsetStream = subset is null ? null : Begin(subset.Length, localSubset, columns, binning, sampled, timer, subset, block is not null);
        InOrder(start, end, Math.Max(1, chunkValues / columns), positions =>
        {
            PeerWatch.Beat(); // each chunk: a rank binning its rows is making progress
            var matrix = timer.Time("features", () => transform(positions));
            timer.Time("lightgbm: dataset", () => stream.Push(matrix.Data, positions.Length));
            if (subsetStream is null) { return; }
            var chunkStart = positions[0];
            var chunkEnd = chunkStart + positions.Length;
            var first = next;
            while (next < subset!.Length && subset[next] < chunkEnd) { next++; }
            if (next == first) { return; }
            var local = new int[next - first];
            for (var i = 0; i < local.Length; i++) { local[i] = subset[first + i] - chunkStart; }
            var rowsOfSubset = matrix.SelectRows(local);
            timer.Time("lightgbm: dataset", () => subsetStream.Push(rowsOfSubset.Data, local.Length));
        });
        var all = stream.Complete();
        try
        {
            return (all, subsetStream?.Complete());
        }
        catch
        {
            all.Dispose();
            throw;
        }
    }

    /// <summary>The index of the first of the ascending <paramref name="positions"/> at or after <paramref name="position"/>.</summary>
    private static int FirstAtOrAfter(int[] positions, int position)
    {
        var i = Array.BinarySearch(positions, position);
        return i >= 0 ? i : ~i;
    }

    /// <summary>A stream of <paramref name="localRows"/> rows binned from LightGBM's own sample of all <paramref name="rows"/>;
    /// the rows are <paramref name="of"/>'s positions when given. <paramref name="distributed"/>: the stream holds one
    /// rank's rows of the <paramref name="rows"/> of every rank.</summary>
    private static DatasetStream Begin(int rows, int localRows, int columns, LightGbmParameters binning, SampleTransform sampled, PhaseTimer timer,
        int[]? of, bool distributed)
    {
        var sample = DatasetStream.SampleRows(rows, binning);
        if (of is not null)
        {
            for (var i = 0; i < sample.Length; i++) { sample[i] = of[sample[i]]; }
        }
        var stream = BeginFrom(timer.Time("features", () => sampled(sample, of is null ? "sample" : "sample-liked")), columns, localRows, distributed ? rows : null, binning, timer);
        // The sample's matrix and the per-column copies Begin made of it (12 bytes per non-zero value: 0.4 GB for
        // 200,000 rows of 178 features) are garbage now; collected before the next stream's sample or the first chunk
        // is allocated beside them.
        MemoryPolicy.PhaseEnded();
        return stream;
    }

    /// <summary>In a frame of its own, so no local of the caller keeps the sample alive through the collection.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static DatasetStream BeginFrom(FeatureMatrix sampled, int columns, int rows, long? distributedRows, LightGbmParameters binning, PhaseTimer timer) =>
        timer.Time("lightgbm: dataset", () => DatasetStream.Begin(sampled.Data, sampled.Rows, columns, rows, binning, MatrixLayout.ColumnMajor, distributedRows));

    /// <summary>
    /// The positions 0 … <paramref name="rows"/> − 1 in order, at most <paramref name="chunkRows"/> at a time, each
    /// chunk's garbage collected (<see cref="MemoryPolicy.ChunkConsumed"/>) once <paramref name="consume"/> has returned: the pass
    /// every reader of training rows in chunks makes (the bins, the deep model's input statistics).
    /// </summary>
    internal static void InOrder(int rows, int chunkRows, Action<int[]> consume) => InOrder(0, rows, chunkRows, consume);

    /// <summary>The positions <paramref name="from"/> … <paramref name="to"/> − 1, as <see cref="InOrder(int, int, Action{int[]})"/>.</summary>
    internal static void InOrder(int from, int to, int chunkRows, Action<int[]> consume)
    {
        for (var start = from; start < to; start += chunkRows)
        {
            var positions = new int[Math.Min(chunkRows, to - start)];
            for (var i = 0; i < positions.Length; i++) { positions[i] = start + i; }
            consume(positions);
            MemoryPolicy.ChunkConsumed();
        }
    }
}
