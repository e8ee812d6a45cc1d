using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// A LightGBM dataset: features already binned by LightGBM, plus label, weight and init score. Build the
/// training set with <see cref="FromMatrix"/>, validation sets with <see cref="CreateValidation"/> (sharing the
/// training bins).
/// </summary>
/// <remarks>
/// There is deliberately no wrapper of <c>LGBM_DatasetGetSubset</c>: a subset keeps its parent's feature groups and
/// sparse statistics, and a booster trained on a subset denser than its parent (stage 2's liked rows) overflows the
/// 16-bit row index LightGBM 4.7.0 chose for its multi-value bin from those statistics and corrupts the heap
/// (docs/lightgbm-subset-overflow.md). Bin a subset's rows as a Dataset of their own instead.
/// </remarks>
public sealed partial class Dataset : IDisposable
{
    internal Dataset(DatasetHandle handle, LightGbmParameters parameters)
    {
        Handle = handle;
        Parameters = parameters;
        NetworkEpoch = Network.ActiveEpoch;
        NativeCheck.Check(NativeMethods.LGBM_DatasetGetNumData(handle, out var rows), nameof(NativeMethods.LGBM_DatasetGetNumData));
        NativeCheck.Check(NativeMethods.LGBM_DatasetGetNumFeature(handle, out var features), nameof(NativeMethods.LGBM_DatasetGetNumFeature));
        RowCount = rows;
        FeatureCount = features;
    }

    internal DatasetHandle Handle { get; }

    /// <summary>The network session this dataset was binned under (0: none); see <see cref="Network"/>.</summary>
    internal long NetworkEpoch { get; }

    public LightGbmParameters Parameters { get; }

    public int RowCount { get; }

    public int FeatureCount { get; }

    /// <summary>
    /// Bins a dense float32 matrix. LightGBM reads <paramref name="values"/> in place during the call (no managed
    /// copy is made) and keeps only its binned form, so the span may be reused afterwards.
    /// </summary>
    /// <param name="reference">A dataset whose bin boundaries to reuse (validation data), or null to compute bins.</param>
    public static unsafe Dataset FromMatrix(
        ReadOnlySpan<float> values, int rowCount, int columnCount, LightGbmParameters parameters,
        MatrixLayout layout = MatrixLayout.RowMajor, Dataset? reference = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columnCount);
        if (values.Length != (long)rowCount * columnCount)
        {
            throw new ArgumentException(
                $"Expected {rowCount} × {columnCount} = {(long)rowCount * columnCount} values, got {values.Length}.", nameof(values));
        }
        if (reference is not null && reference.FeatureCount != columnCount)
        {
            throw new ArgumentException(
                $"The reference dataset has {reference.FeatureCount} features, this matrix {columnCount} columns.", nameof(reference));
        }
        LightGbmLibrary.EnsureInitialized();
        var parameterString = parameters.ToParameterString();
        DatasetHandle handle;
        fixed (float* data = values)
        {
            NativeCheck.Check(
                NativeMethods.LGBM_DatasetCreateFromMat(
                    data, NativeMethods.DTypeFloat32, rowCount, columnCount, layout == MatrixLayout.RowMajor ? 1 : 0,
                    parameterString, reference?.Handle ?? DatasetHandle.None, out handle),
                nameof(NativeMethods.LGBM_DatasetCreateFromMat));
        }
        return new Dataset(handle, parameters);
    }

    /// <summary>A validation set binned with this dataset's bin boundaries, so its metrics are comparable.</summary>
    public Dataset CreateValidation(ReadOnlySpan<float> values, int rowCount, MatrixLayout layout = MatrixLayout.RowMajor) =>
        FromMatrix(values, rowCount, FeatureCount, Parameters, layout, this);

    /// <summary>Writes LightGBM's binary dataset format (loadable by any LightGBM as a data file).</summary>
    public void SaveBinary(string path) =>
        NativeCheck.Check(NativeMethods.LGBM_DatasetSaveBinary(Handle, path), nameof(NativeMethods.LGBM_DatasetSaveBinary));

    public void Dispose() => Handle.Dispose();
}
