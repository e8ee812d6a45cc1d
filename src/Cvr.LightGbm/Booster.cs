using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// A LightGBM booster: trains one iteration at a time, evaluates, predicts and saves in LightGBM's text format.
/// Training calls must not run concurrently with anything else on the same booster; predictions may.
/// </summary>
public sealed partial class Booster : IDisposable
{
    /// <summary>The name <see cref="EvaluationResult"/> uses for the training data (data index 0).</summary>
    public const string TrainingDataName = "training";

    private readonly List<string> _dataNames = [TrainingDataName];
    private readonly Lock _singleRowLock = new();
    private string[]? _evaluationNames;

    private Booster(BoosterHandle handle)
    {
        Handle = handle;
        NativeCheck.Check(NativeMethods.LGBM_BoosterGetNumClasses(handle, out var classes), nameof(NativeMethods.LGBM_BoosterGetNumClasses));
        NativeCheck.Check(NativeMethods.LGBM_BoosterGetNumFeature(handle, out var features), nameof(NativeMethods.LGBM_BoosterGetNumFeature));
        ClassCount = classes;
        FeatureCount = features;
    }

    internal BoosterHandle Handle { get; }

    public int ClassCount { get; }

    public int FeatureCount { get; }

    /// <summary>
    /// The iteration count the training loop chose (early stopping), or 0 when unset. Predictions and saves
    /// without an explicit iteration count use it, as LightGBM's Python package does.
    /// </summary>
    public int BestIteration { get; set; }

    /// <summary>Names of the evaluated datasets: <see cref="TrainingDataName"/> then the validation sets in order.</summary>
    public IReadOnlyList<string> DataNames => _dataNames;

    /// <summary>Creates a booster that trains on <paramref name="train"/> with the given parameters.</summary>
    public static Booster Create(Dataset train, LightGbmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.NumMachines > 1)
        {
            Network.EnsureBuiltUnderActiveNetwork(train);
        }
        LightGbmLibrary.EnsureInitialized();
        var parameterString = parameters.ToParameterString();
        NativeCheck.Check(NativeMethods.LGBM_BoosterCreate(train.Handle, parameterString, out var handle), nameof(NativeMethods.LGBM_BoosterCreate));
        // The native booster points into the dataset: keep it alive as long as the booster.
        handle.KeepAlive(train.Handle);
        return new Booster(handle);
    }

    /// <summary>Adds a validation set (built with the training set as reference) that every evaluation covers.</summary>
    public void AddValidation(Dataset validation, string name)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_dataNames.Contains(name))
        {
            throw new ArgumentException($"A dataset named '{name}' is already evaluated by this booster.", nameof(name));
        }
        NativeCheck.Check(NativeMethods.LGBM_BoosterAddValidData(Handle, validation.Handle), nameof(NativeMethods.LGBM_BoosterAddValidData));
        Handle.KeepAlive(validation.Handle);
        _dataNames.Add(name);
    }

    /// <summary>Trains one iteration with the configured objective; true when no further split was possible.</summary>
    public bool UpdateOneIteration()
    {
        LightGbmLibrary.EnsureInitialized();
        NativeCheck.Check(NativeMethods.LGBM_BoosterUpdateOneIter(Handle, out var finished), nameof(NativeMethods.LGBM_BoosterUpdateOneIter));
        return finished != 0;
    }

    /// <summary>
    /// Trains one iteration from caller-computed gradients and hessians (a custom objective; create the booster
    /// with objective "none"). Both hold one value per training row and class, class-major.
    /// </summary>
    public unsafe bool UpdateOneIteration(ReadOnlySpan<float> gradients, ReadOnlySpan<float> hessians)
    {
        if (gradients.Length != hessians.Length)
        {
            throw new ArgumentException($"{gradients.Length} gradients but {hessians.Length} hessians.", nameof(hessians));
        }
        // The training score vector has rows × classes entries; gradients must match it exactly.
        NativeCheck.Check(NativeMethods.LGBM_BoosterGetNumPredict(Handle, 0, out var expected), nameof(NativeMethods.LGBM_BoosterGetNumPredict));
        if (gradients.Length != expected)
        {
            throw new ArgumentException($"Expected {expected} gradients (rows × classes), got {gradients.Length}.", nameof(gradients));
        }
        LightGbmLibrary.EnsureInitialized();
        int finished;
        fixed (float* g = gradients)
        fixed (float* h = hessians)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterUpdateOneIterCustom(Handle, g, h, out finished), nameof(NativeMethods.LGBM_BoosterUpdateOneIterCustom));
        }
        return finished != 0;
    }

    /// <summary>Removes the last iteration's trees.</summary>
    public void RollbackOneIteration() =>
        NativeCheck.Check(NativeMethods.LGBM_BoosterRollbackOneIter(Handle), nameof(NativeMethods.LGBM_BoosterRollbackOneIter));

    /// <summary>The number of completed iterations.</summary>
    public int CurrentIteration
    {
        get
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterGetCurrentIteration(Handle, out var iteration), nameof(NativeMethods.LGBM_BoosterGetCurrentIteration));
            return iteration;
        }
    }

    /// <summary>The metric names LightGBM evaluates, e.g. "auc", "binary_logloss", "ndcg@5".</summary>
    public unsafe IReadOnlyList<string> EvaluationNames => _evaluationNames ??= NativeStrings.Read(
        (int len, out int count, nuint bufferLen, out nuint required, byte** strings) =>
            NativeMethods.LGBM_BoosterGetEvalNames(Handle, len, out count, bufferLen, out required, strings),
        nameof(NativeMethods.LGBM_BoosterGetEvalNames));

    /// <summary>Current metric values on one dataset (0: training, 1..: validation sets), in <see cref="EvaluationNames"/> order.</summary>
    public unsafe double[] Evaluate(int dataIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dataIndex, _dataNames.Count);
        var results = new double[EvaluationNames.Count];
        if (results.Length == 0)
        {
            return results;
        }
        int written;
        fixed (double* r = results)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterGetEval(Handle, dataIndex, out written, r), nameof(NativeMethods.LGBM_BoosterGetEval));
        }
        return written == results.Length ? results : results[..written];
    }

    /// <summary>
    /// The booster's current outputs on one of its own datasets (0: training, 1..: validation sets, in the order
    /// added), one per row and class, transformed as the objective transforms predictions (probabilities for the
    /// binary objective): the scores LightGBM's metrics are computed from, kept up to date by every iteration.
    /// </summary>
    public double[] CurrentOutputs(int dataIndex)
    {
        var outputs = new double[CurrentOutputCount(dataIndex)];
        CurrentOutputs(dataIndex, outputs);
        return outputs;
    }

    /// <summary>The number of values <see cref="CurrentOutputs(int)"/> returns for one dataset.</summary>
    public long CurrentOutputCount(int dataIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dataIndex, _dataNames.Count);
        NativeCheck.Check(NativeMethods.LGBM_BoosterGetNumPredict(Handle, dataIndex, out var length), nameof(NativeMethods.LGBM_BoosterGetNumPredict));
        return length;
    }

    /// <summary><see cref="CurrentOutputs(int)"/> into a caller-owned buffer of exactly <see cref="CurrentOutputCount"/> values.</summary>
    public unsafe void CurrentOutputs(int dataIndex, Span<double> outputs)
    {
        var length = CurrentOutputCount(dataIndex);
        if (outputs.Length != length)
        {
            throw new ArgumentException($"Expected a buffer of {length} values, got {outputs.Length}.", nameof(outputs));
        }
        long written;
        fixed (double* o = outputs)
        {
            NativeCheck.Check(NativeMethods.LGBM_BoosterGetPredict(Handle, dataIndex, out written, o), nameof(NativeMethods.LGBM_BoosterGetPredict));
        }
        if (written != length) { throw new LightGbmException($"LGBM_BoosterGetPredict wrote {written} outputs, expected {length}"); }
    }

    /// <summary>Every metric on every validation set (and the training data when <paramref name="includeTraining"/>).</summary>
    public IReadOnlyList<EvaluationResult> EvaluateAll(bool includeTraining = false)
    {
        var names = EvaluationNames;
        var results = new List<EvaluationResult>();
        for (var data = includeTraining ? 0 : 1; data < _dataNames.Count; data++)
        {
            var values = Evaluate(data);
            for (var m = 0; m < values.Length; m++)
            {
                results.Add(new EvaluationResult(_dataNames[data], names[m], values[m]));
            }
        }
        return results;
    }

    public void Dispose() => Handle.Dispose();
}
