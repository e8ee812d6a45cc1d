using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>Label, weight, init score and feature names. LightGBM copies each field on set.</summary>
public sealed partial class Dataset
{
    private const string LabelField = "label";
    private const string WeightField = "weight";
    private const string InitScoreField = "init_score";

    /// <summary>One label per row (float32, as LightGBM stores it).</summary>
    public void SetLabel(ReadOnlySpan<float> labels) => SetField(LabelField, labels, RowCount);

    public float[] GetLabel() => GetField<float>(LabelField, NativeMethods.DTypeFloat32);

    /// <summary>One weight per row (float32).</summary>
    public void SetWeight(ReadOnlySpan<float> weights) => SetField(WeightField, weights, RowCount);

    public float[] GetWeight() => GetField<float>(WeightField, NativeMethods.DTypeFloat32);

    /// <summary>
    /// Raw-score offsets (float64) that boosting starts from, one per row and class. Predictions of the trained
    /// model do not include them: add them back for a stacked model's score.
    /// </summary>
    public void SetInitScore(ReadOnlySpan<double> initScores)
    {
        if (initScores.Length % RowCount != 0)
        {
            throw new ArgumentException($"init_score needs a multiple of {RowCount} values, got {initScores.Length}.", nameof(initScores));
        }
        SetField(InitScoreField, initScores, initScores.Length);
    }

    public double[] GetInitScore() => GetField<double>(InitScoreField, NativeMethods.DTypeFloat64);

    /// <summary>Names LightGBM writes into the model; one per feature.</summary>
    public void SetFeatureNames(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count != FeatureCount)
        {
            throw new ArgumentException($"Expected {FeatureCount} feature names, got {names.Count}.", nameof(names));
        }
        unsafe
        {
            NativeStrings.WithUtf8Array(names, pointers => NativeCheck.Check(
                NativeMethods.LGBM_DatasetSetFeatureNames(Handle, (byte**)pointers, names.Count),
                nameof(NativeMethods.LGBM_DatasetSetFeatureNames)));
        }
    }

    public unsafe string[] GetFeatureNames() => NativeStrings.Read(
        (int len, out int count, nuint bufferLen, out nuint required, byte** strings) =>
            NativeMethods.LGBM_DatasetGetFeatureNames(Handle, len, out count, bufferLen, out required, strings),
        nameof(NativeMethods.LGBM_DatasetGetFeatureNames));

    private unsafe void SetField<T>(string field, ReadOnlySpan<T> values, int expected) where T : unmanaged
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"Field '{field}' needs {expected} values, got {values.Length}.", nameof(values));
        }
        var type = typeof(T) == typeof(float) ? NativeMethods.DTypeFloat32 : NativeMethods.DTypeFloat64;
        fixed (T* data = values)
        {
            NativeCheck.Check(
                NativeMethods.LGBM_DatasetSetField(Handle, field, data, values.Length, type),
                nameof(NativeMethods.LGBM_DatasetSetField));
        }
    }

    private unsafe T[] GetField<T>(string field, int expectedType) where T : unmanaged
    {
        NativeCheck.Check(
            NativeMethods.LGBM_DatasetGetField(Handle, field, out var length, out var data, out var type),
            nameof(NativeMethods.LGBM_DatasetGetField));
        if (length == 0 || data == null)
        {
            return [];
        }
        if (type != expectedType)
        {
            throw new LightGbmException(nameof(NativeMethods.LGBM_DatasetGetField), $"field '{field}' has type code {type}, expected {expectedType}");
        }
        // Copy out: the pointer refers to LightGBM's own storage and dies with the dataset.
        return new ReadOnlySpan<T>(data, length).ToArray();
    }
}
