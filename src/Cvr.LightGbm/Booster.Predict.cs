using System.Globalization;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>Batch prediction. Iteration arguments: <c>startIteration</c> is zero-based; a null
/// <c>iterationCount</c> means <see cref="BestIteration"/> when set, else all; a count ≤ 0 means all.</summary>
public sealed partial class Booster
{
    /// <summary>Number of output values for <paramref name="rowCount"/> rows and the given kind and iterations.</summary>
    public long PredictionLength(int rowCount, PredictionKind kind = PredictionKind.Normal, int startIteration = 0, int? iterationCount = null)
    {
        NativeCheck.Check(
            NativeMethods.LGBM_BoosterCalcNumPredict(Handle, rowCount, (int)kind, startIteration, ResolveIterations(iterationCount), out var length),
            nameof(NativeMethods.LGBM_BoosterCalcNumPredict));
        return length;
    }

    /// <summary>Predicts a dense float32 matrix; returns <see cref="PredictionLength"/> values, row-major.</summary>
    public double[] Predict(
        ReadOnlySpan<float> values, int rowCount, PredictionKind kind = PredictionKind.Normal,
        int startIteration = 0, int? iterationCount = null, MatrixLayout layout = MatrixLayout.RowMajor, int threads = 0)
    {
        var output = new double[PredictionLength(rowCount, kind, startIteration, iterationCount)];
        Predict(values, rowCount, output, kind, startIteration, iterationCount, layout, threads);
        return output;
    }

    /// <summary>
    /// Predicts into a caller-owned buffer (no allocation per call). <paramref name="threads"/> ≤ 0 lets
    /// LightGBM use all cores. Returns the number of values written.
    /// </summary>
    public unsafe long Predict(
        ReadOnlySpan<float> values, int rowCount, Span<double> output, PredictionKind kind = PredictionKind.Normal,
        int startIteration = 0, int? iterationCount = null, MatrixLayout layout = MatrixLayout.RowMajor, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        if (values.Length != (long)rowCount * FeatureCount)
        {
            throw new ArgumentException(
                $"Expected {rowCount} × {FeatureCount} = {(long)rowCount * FeatureCount} values, got {values.Length}.", nameof(values));
        }
        var iterations = ResolveIterations(iterationCount);
        var needed = PredictionLength(rowCount, kind, startIteration, iterationCount);
        if (output.Length < needed)
        {
            throw new ArgumentException($"The output needs {needed} values, has {output.Length}.", nameof(output));
        }
        LightGbmLibrary.EnsureInitialized();
        var parameter = threads > 0 ? "num_threads=" + threads.ToString(CultureInfo.InvariantCulture) : string.Empty;
        long written;
        fixed (float* data = values)
        fixed (double* result = output)
        {
            NativeCheck.Check(
                NativeMethods.LGBM_BoosterPredictForMat(
                    Handle, data, NativeMethods.DTypeFloat32, rowCount, FeatureCount, layout == MatrixLayout.RowMajor ? 1 : 0,
                    (int)kind, startIteration, iterations, parameter, out written, result),
                nameof(NativeMethods.LGBM_BoosterPredictForMat));
        }
        return written;
    }

    /// <summary>
    /// A predictor for one row at a time through LightGBM's fast path (configuration parsed once). Create it
    /// after training has finished. Calls on one booster are serialised (LightGBM shares its single-row state per
    /// booster), so use one booster per thread for parallel single-row scoring.
    /// </summary>
    public SingleRowPredictor CreateSingleRowPredictor(
        PredictionKind kind = PredictionKind.Normal, int startIteration = 0, int? iterationCount = null, int threads = 1)
    {
        var iterations = ResolveIterations(iterationCount);
        var outputLength = PredictionLength(1, kind, startIteration, iterationCount);
        return new SingleRowPredictor(this, kind, startIteration, iterations, threads, checked((int)outputLength));
    }

    /// <summary>
    /// The fastest exact scorer of one row at a time for the normal prediction of the booster's best iteration (or
    /// <paramref name="iterationCount"/>): a <see cref="CompiledForest"/> (no lock, the same bits as LightGBM) where the
    /// model allows, else LightGBM's single-row fast path. Create it after training has finished.
    /// </summary>
    public ISingleRowScorer CreateRowScorer(int? iterationCount = null)
        => CompiledForest.TryCompile(this, out _, iterationCount: iterationCount)
            ?? (ISingleRowScorer)CreateSingleRowPredictor(iterationCount: iterationCount, threads: 1);

    // LightGBM reads num_iteration <= 0 as "all iterations".
    private int ResolveIterations(int? iterationCount) => iterationCount ?? (BestIteration > 0 ? BestIteration : -1);

    /// <summary>Guards LightGBM's per-booster single-row state for every <see cref="SingleRowPredictor"/> of this booster (see its remarks).</summary>
    internal Lock SingleRowLock => _singleRowLock;

    // Which predictor last configured LightGBM's per-booster single-row state, per prediction kind.
    internal SingleRowPredictor?[] SingleRowOwners { get; } = new SingleRowPredictor?[4];
}
