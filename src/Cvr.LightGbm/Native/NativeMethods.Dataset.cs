using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>Dataset functions of LightGBM 4.7.0's c_api.h.</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetCreateFromMat(
        void* data, int data_type, int nrow, int ncol, int is_row_major,
        string parameters, DatasetHandle reference, out DatasetHandle @out);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_GetSampleCount(int num_total_row, string parameters, out int @out);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_SampleIndices(int num_total_row, string parameters, void* @out, out int out_len);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetCreateFromSampledColumn(
        double** sample_data, int** sample_indices, int ncol, int* num_per_col, int num_sample_row,
        int num_local_row, long num_dist_row, string parameters, out DatasetHandle @out);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetPushRows(DatasetHandle dataset, void* data, int data_type, int nrow, int ncol, int start_row);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetInitStreaming(
        DatasetHandle dataset, int has_weights, int has_init_scores, int has_queries, int nclasses, int nthreads, int omp_max_threads);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetPushRowsWithMetadata(
        DatasetHandle dataset, void* data, int data_type, int nrow, int ncol, int start_row,
        float* label, float* weight, double* init_score, int* query, int tid);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetMarkFinished(DatasetHandle dataset);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetSetFeatureNames(DatasetHandle handle, byte** feature_names, int num_feature_names);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetGetFeatureNames(
        DatasetHandle handle, int len, out int num_feature_names,
        nuint buffer_len, out nuint out_buffer_len, byte** feature_names);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetFree(nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetSaveBinary(DatasetHandle handle, string filename);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetSetField(
        DatasetHandle handle, string field_name, void* field_data, int num_element, int type);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int LGBM_DatasetGetField(
        DatasetHandle handle, string field_name, out int out_len, out void* out_ptr, out int out_type);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetGetNumData(DatasetHandle handle, out int @out);

    [LibraryImport(Library)]
    internal static partial int LGBM_DatasetGetNumFeature(DatasetHandle handle, out int @out);
}
