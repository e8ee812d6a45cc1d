using System.Text;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>Model I/O in LightGBM's own text format (readable by every LightGBM binding) and feature importance.</summary>
public sealed partial class Booster
{
    /// <summary>Loads a model saved by any LightGBM (CLI, Python, R, this binding).</summary>
    public static Booster LoadFromString(string model)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        return LoadFromUtf8(Encoding.UTF8.GetBytes(model));
    }

    /// <summary>Loads a model from its text as UTF-8 bytes (a model file's contents, e.g. already read and verified
    /// by the caller), so many copies can be made from one read.</summary>
    public static unsafe Booster LoadFromUtf8(ReadOnlySpan<byte> model)
    {
        if (model.IsEmpty) { throw new ArgumentException("The model text is empty.", nameof(model)); }
        LightGbmLibrary.EnsureInitialized();
        // LightGBM reads a NUL-terminated string.
        var utf8 = new byte[model.Length + 1];
        model.CopyTo(utf8);
        BoosterHandle handle;
        fixed (byte* text = utf8)
        {
            NativeCheck.Check(
                NativeMethods.LGBM_BoosterLoadModelFromString(text, out _, out handle),
                nameof(NativeMethods.LGBM_BoosterLoadModelFromString));
        }
        return new Booster(handle);
    }

    public static Booster LoadFromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        LightGbmLibrary.EnsureInitialized();
        NativeCheck.Check(
            NativeMethods.LGBM_BoosterCreateFromModelfile(path, out _, out var handle),
            nameof(NativeMethods.LGBM_BoosterCreateFromModelfile));
        return new Booster(handle);
    }

    /// <summary>The model as LightGBM's text format. Iteration arguments as for <see cref="Predict(ReadOnlySpan{float}, int, PredictionKind, int, int?, MatrixLayout, int)"/>.</summary>
    public unsafe string SaveToString(int startIteration = 0, int? iterationCount = null, FeatureImportanceKind importance = FeatureImportanceKind.Split)
    {
        var iterations = ResolveIterations(iterationCount);
        // Size query first; the reported length includes the terminating NUL. Retry once if the model grew
        // between the calls (it cannot while no training runs, but the check is free).
        NativeCheck.Check(
            NativeMethods.LGBM_BoosterSaveModelToString(Handle, startIteration, iterations, (int)importance, 0, out var length, null),
            nameof(NativeMethods.LGBM_BoosterSaveModelToString));
        while (true)
        {
            var buffer = new byte[length];
            long written;
            fixed (byte* text = buffer)
            {
                NativeCheck.Check(
                    NativeMethods.LGBM_BoosterSaveModelToString(Handle, startIteration, iterations, (int)importance, length, out written, text),
                    nameof(NativeMethods.LGBM_BoosterSaveModelToString));
            }
            if (written <= length)
            {
                return Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, written - 1));
            }
            length = written;
        }
    }

    public void SaveToFile(string path, int startIteration = 0, int? iterationCount = null, FeatureImportanceKind importance = FeatureImportanceKind.Split)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        NativeCheck.Check(
            NativeMethods.LGBM_BoosterSaveModel(Handle, startIteration, ResolveIterations(iterationCount), (int)importance, path),
            nameof(NativeMethods.LGBM_BoosterSaveModel));
    }

    /// <summary>The feature names stored in the model.</summary>
    public unsafe string[] GetFeatureNames() => NativeStrings.Read(
        (int len, out int count, nuint bufferLen, out nuint required, byte** strings) =>
            NativeMethods.LGBM_BoosterGetFeatureNames(Handle, len, out count, bufferLen, out required, strings),
        nameof(NativeMethods.LGBM_BoosterGetFeatureNames));

    /// <summary>One importance value per feature: split counts or total gains over the first <paramref name="iterationCount"/> iterations.</summary>
    public unsafe double[] FeatureImportance(FeatureImportanceKind kind = FeatureImportanceKind.Split, int? iterationCount = null)
    {
        var result = new double[FeatureCount];
        fixed (double* r = result)
        {
            NativeCheck.Check(
                NativeMethods.LGBM_BoosterFeatureImportance(Handle, ResolveIterations(iterationCount), (int)kind, r),
                nameof(NativeMethods.LGBM_BoosterFeatureImportance));
        }
        return result;
    }
}
