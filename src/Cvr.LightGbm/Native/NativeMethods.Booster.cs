using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>Booster functions of LightGBM 4.7.0's c_api.h.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterCreate(DatasetHandle train_data, string parameters, out BoosterHandle @out);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterCreateFromModelfile(string filename, out int out_num_iterations, out BoosterHandle @out);

    // byte* rather than string: a model string is megabytes, and the caller already holds it as UTF-8.
    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterLoadModelFromString(byte* model_str, out int out_num_iterations, out BoosterHandle @out);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterFree(nint handle);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterAddValidData(BoosterHandle handle, DatasetHandle valid_data);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetNumClasses(BoosterHandle handle, out int out_len);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetNumFeature(BoosterHandle handle, out int out_len);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterUpdateOneIter(BoosterHandle handle, out int is_finished);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterUpdateOneIterCustom(BoosterHandle handle, float* grad, float* hess, out int is_finished);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterRollbackOneIter(BoosterHandle handle);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetCurrentIteration(BoosterHandle handle, out int out_iteration);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterNumModelPerIteration(BoosterHandle handle, out int out_tree_per_iteration);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetEvalCounts(BoosterHandle handle, out int out_len);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetEvalNames(
        BoosterHandle handle, int len, out int out_len, nuint buffer_len, out nuint out_buffer_len, byte** out_strs);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetFeatureNames(
        BoosterHandle handle, int len, out int out_len, nuint buffer_len, out nuint out_buffer_len, byte** out_strs);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetEval(BoosterHandle handle, int data_idx, out int out_len, double* out_results);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetNumPredict(BoosterHandle handle, int data_idx, out long out_len);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterGetPredict(BoosterHandle handle, int data_idx, out long out_len, double* out_result);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterCalcNumPredict(
        BoosterHandle handle, int num_row, int predict_type, int start_iteration, int num_iteration, out long out_len);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterPredictForMat(
        BoosterHandle handle, void* data, int data_type, int nrow, int ncol, int is_row_major,
        int predict_type, int start_iteration, int num_iteration, string parameter,
        out long out_len, double* out_result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterPredictForMatSingleRowFastInit(
        BoosterHandle handle, int predict_type, int start_iteration, int num_iteration,
        int data_type, int ncol, string parameter, out FastConfigHandle out_fastConfig);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterPredictForMatSingleRowFast(FastConfigHandle fastConfig_handle, void* data, out long out_len, double* out_result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_BoosterSaveModel(
        BoosterHandle handle, int start_iteration, int num_iteration, int feature_importance_type, string filename);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterSaveModelToString(
        BoosterHandle handle, int start_iteration, int num_iteration, int feature_importance_type,
        long buffer_len, out long out_len, byte* out_str);

    [LibraryImport(Library)]
    internal static partial int LGBM_BoosterFeatureImportance(
        BoosterHandle handle, int num_iteration, int importance_type, double* out_results);

    // C API constants (c_api.h #defines).
    internal const int PredictNormal = 0;
    internal const int PredictRawScore = 1;
    internal const int PredictLeafIndex = 2;
    internal const int PredictContrib = 3;
}
