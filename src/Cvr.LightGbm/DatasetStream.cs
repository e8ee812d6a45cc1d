using System.Buffers;
using System.Runtime.InteropServices;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// Bins a dense matrix that is never held whole. LightGBM computes the bin boundaries from the rows it would
/// sample itself (<see cref="SampleRows"/>: the same seed and sample count as <see cref="Dataset.FromMatrix"/>),
/// then the rows arrive in order, a chunk at a time (<see cref="Push"/>). The finished dataset is the one
/// <see cref="Dataset.FromMatrix"/> builds from the whole matrix — same sample, same bins, same rows — at the memory
/// of one chunk instead of the float matrix.
/// </summary>
/// <remarks>
/// <para>Use from one thread. Until <see cref="Complete"/> the dataset is unfinished and only this stream holds
/// it; disposing an incomplete stream frees it.</para>
/// <para>Rows go in through LightGBM's streaming push (<c>LGBM_DatasetInitStreaming</c>,
/// <c>LGBM_DatasetPushRowsWithMetadata</c>), not <c>LGBM_DatasetPushRows</c>: a sparse bin keeps one push buffer per
/// thread, sized by LightGBM's process-wide thread count when the dataset was created, and a push indexes them by
/// the thread count at the time of the push. Any call in between that raised the count (another training's
/// <see cref="LightGbmThreads.SetMax"/>, a <c>num_threads</c> parameter) made a push write past the buffers — the
/// segmentation faults in <c>SparseBin::Push</c> that aborted test runs training in parallel. The streaming
/// initialisation sizes the buffers for <see cref="LightGbmThreads.Bound"/> threads, a count LightGBM never exceeds
/// here.</para>
/// </remarks>
public sealed class DatasetStream : IDisposable
{
    // LightGBM's kZeroThreshold (meta.h): sampled values at or below it in magnitude count as zeros and are left
    // out of the sample, exactly as its own FromMat sampling does.
    private const double ZeroThreshold = 1e-35f;

    private readonly DatasetHandle _handle;
    private readonly LightGbmParameters _parameters;
    private bool _completed;

    private DatasetStream(DatasetHandle handle, LightGbmParameters parameters, int rowCount, int columnCount)
    {
        _handle = handle;
        _parameters = parameters;
        RowCount = rowCount;
        ColumnCount = columnCount;
    }

    /// <summary>The rows the whole dataset will hold.</summary>
    public int RowCount { get; }

    public int ColumnCount { get; }

    /// <summary>Rows pushed so far: the next chunk starts at this row.</summary>
    public int RowsPushed { get; private set; }

    /// <summary>
    /// The rows (increasing, zero-based) LightGBM samples to find bin boundaries for a matrix of
    /// <paramref name="rowCount"/> rows under <paramref name="parameters"/> (<c>bin_construct_sample_cnt</c>,
    /// <c>data_random_seed</c>): the rows <see cref="Begin"/> needs, in this order.
    /// </summary>
    public static unsafe int[] SampleRows(int rowCount, LightGbmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        LightGbmLibrary.EnsureInitialized();
        var parameterString = parameters.ToParameterString();
        NativeCheck.Check(NativeMethods.LGBM_GetSampleCount(rowCount, parameterString, out var count), nameof(NativeMethods.LGBM_GetSampleCount));
        var rows = new int[count];
        int length;
        fixed (int* p = rows)
        {
            NativeCheck.Check(NativeMethods.LGBM_SampleIndices(rowCount, parameterString, p, out length), nameof(NativeMethods.LGBM_SampleIndices));
        }
        return length == count ? rows : rows[..length];
    }

    /// <summary>
    /// Starts a dataset of <paramref name="rowCount"/> rows whose bins come from <paramref name="sample"/>: the
    /// rows <see cref="SampleRows"/> names, in its order, laid out as <paramref name="layout"/> says.
    /// </summary>
    /// <param name="distributedRowCount">For data-parallel training (<see cref="Network"/>): the rows of every machine
    /// together, whose sample <paramref name="sample"/> is (the same on every machine, so every machine gets the bins
    /// and feature bundles one machine would get from all the rows); this machine's dataset holds
    /// <paramref name="rowCount"/> of them. Null: the dataset holds every sampled row's matrix.</param>
    public static unsafe DatasetStream Begin(ReadOnlySpan<float> sample, int sampleRows, int columnCount, int rowCount,
        LightGbmParameters parameters, MatrixLayout layout = MatrixLayout.ColumnMajor, long? distributedRowCount = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        var totalRows = distributedRowCount ?? rowCount;
        ArgumentOutOfRangeException.ThrowIfLessThan(totalRows, sampleRows);
        ArgumentOutOfRangeException.ThrowIfLessThan(totalRows, rowCount);
        if (sample.Length != (long)sampleRows * columnCount)
        {
            throw new ArgumentException($"Expected {sampleRows} × {columnCount} sample values, got {sample.Length}.", nameof(sample));
        }
        LightGbmLibrary.EnsureInitialized();
        // Per column, the non-zero sampled values and their positions in the sample, as LightGBM's own sampling
        // collects them (CreateFromMats in c_api.cpp).
        var values = new double[columnCount][];
        var indices = new int[columnCount][];
        var counts = new int[columnCount];
        var columnValues = new double[sampleRows];
        var columnIndices = new int[sampleRows];
        for (var c = 0; c < columnCount; c++)
        {
            var n = 0;
            for (var r = 0; r < sampleRows; r++)
            {
                double v = layout == MatrixLayout.ColumnMajor ? sample[c * sampleRows + r] : sample[r * columnCount + c];
                if (Math.Abs(v) > ZeroThreshold || double.IsNaN(v))
                {
                    columnValues[n] = v;
                    columnIndices[n++] = r;
                }
            }
            values[c] = columnValues[..n];
            indices[c] = columnIndices[..n];
            counts[c] = n;
        }
        var handles = new List<GCHandle>(2 * columnCount);
        try
        {
            var valuePointers = new double*[columnCount];
            var indexPointers = new int*[columnCount];
            for (var c = 0; c < columnCount; c++)
            {
                var hv = GCHandle.Alloc(values[c], GCHandleType.Pinned);
                handles.Add(hv);
                var hi = GCHandle.Alloc(indices[c], GCHandleType.Pinned);
                handles.Add(hi);
                valuePointers[c] = (double*)hv.AddrOfPinnedObject();
                indexPointers[c] = (int*)hi.AddrOfPinnedObject();
            }
            DatasetHandle handle;
            fixed (double** pv = valuePointers)
            fixed (int** pi = indexPointers)
            fixed (int* pc = counts)
            {
                NativeCheck.Check(
                    NativeMethods.LGBM_DatasetCreateFromSampledColumn(pv, pi, columnCount, pc, sampleRows, rowCount, totalRows,
                        parameters.ToParameterString(), out handle),
                    nameof(NativeMethods.LGBM_DatasetCreateFromSampledColumn));
            }
            try
            {
                // One pushing thread (this stream's), LightGBM's parallel loop inside each push at most Bound wide.
                NativeCheck.Check(NativeMethods.LGBM_DatasetInitStreaming(handle, 0, 0, 0, 1, 1, LightGbmThreads.Bound),
                    nameof(NativeMethods.LGBM_DatasetInitStreaming));
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            return new DatasetStream(handle, parameters, rowCount, columnCount);
        }
        finally
        {
            foreach (var h in handles) { h.Free(); }
        }
    }

    /// <summary>Bins the next <paramref name="rows"/> rows (rows <see cref="RowsPushed"/> onwards).</summary>
    public unsafe void Push(ReadOnlySpan<float> values, int rows, MatrixLayout layout = MatrixLayout.ColumnMajor)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (_completed) { throw new InvalidOperationException("the dataset is complete; no more rows can be pushed"); }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (values.Length != (long)rows * ColumnCount)
        {
            throw new ArgumentException($"Expected {rows} × {ColumnCount} values, got {values.Length}.", nameof(values));
        }
        if ((long)RowsPushed + rows > RowCount)
        {
            throw new ArgumentException($"{rows} more rows after {RowsPushed} would exceed the dataset's {RowCount}.", nameof(rows));
        }
        // LightGBM takes pushed rows row-major only.
        float[]? rented = null;
        // The streaming push wants labels with the rows; the caller sets the real ones on the finished dataset.
        var labels = ArrayPool<float>.Shared.Rent(rows);
        try
        {
            var rowMajor = values;
            if (layout == MatrixLayout.ColumnMajor && ColumnCount > 1)
            {
                rented = ArrayPool<float>.Shared.Rent(values.Length);
                Transpose(values, rows, ColumnCount, rented);
                rowMajor = rented.AsSpan(0, values.Length);
            }
            Array.Clear(labels, 0, rows);
            fixed (float* p = rowMajor)
            fixed (float* l = labels)
            {
                NativeCheck.Check(
                    NativeMethods.LGBM_DatasetPushRowsWithMetadata(_handle, p, NativeMethods.DTypeFloat32, rows, ColumnCount, RowsPushed,
                        l, null, null, null, 0),
                    nameof(NativeMethods.LGBM_DatasetPushRowsWithMetadata));
            }
        }
        finally
        {
            if (rented is not null) { ArrayPool<float>.Shared.Return(rented); }
            ArrayPool<float>.Shared.Return(labels);
        }
        RowsPushed += rows;
    }

    /// <summary>The finished dataset (its bins merged and finished here); this stream no longer owns it.</summary>
    /// <exception cref="InvalidOperationException">Rows are missing.</exception>
    public Dataset Complete()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (RowsPushed != RowCount)
        {
            throw new InvalidOperationException($"the dataset is incomplete: {RowsPushed} of {RowCount} rows pushed");
        }
        NativeCheck.Check(NativeMethods.LGBM_DatasetMarkFinished(_handle), nameof(NativeMethods.LGBM_DatasetMarkFinished));
        _completed = true;
        return new Dataset(_handle, _parameters);
    }

    public void Dispose()
    {
        if (!_completed) { _handle.Dispose(); }
    }

    /// <summary>Column-major to row-major in tiles of <see cref="Tile"/> × <see cref="Tile"/>, so the strided writes of
    /// one tile stay in cache; the row tiles run in parallel (each writes only its own rows).</summary>
    private static void Transpose(ReadOnlySpan<float> columnMajor, int rows, int columns, float[] rowMajor)
    {
        unsafe
        {
            fixed (float* source = columnMajor)
            {
                var from = (nint)source;
                Parallel.For(0, (rows + Tile - 1) / Tile, tile =>
                {
                    var src = (float*)from;
                    var r0 = tile * Tile;
                    var r1 = Math.Min(rows, r0 + Tile);
                    for (var c0 = 0; c0 < columns; c0 += Tile)
                    {
                        var c1 = Math.Min(columns, c0 + Tile);
                        for (var c = c0; c < c1; c++)
                        {
                            var column = src + ((long)c * rows);
                            for (var r = r0; r < r1; r++) { rowMajor[((long)r * columns) + c] = column[r]; }
                        }
                    }
                });
            }
        }
    }

    private const int Tile = 64;
}
