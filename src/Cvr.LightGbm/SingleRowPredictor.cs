using System.Globalization;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// Scores one row per call through <c>LGBM_BoosterPredictForMatSingleRowFast</c>: no parameter parsing and
/// no allocation per call. LightGBM keeps one single-row predictor per booster and prediction kind, shared by
/// all fast configs; when another predictor of the same kind (e.g. with other iterations) was used in between,
/// this one re-initialises before scoring, so results never mix.
/// </summary>
/// <remarks>
/// The booster's single-row lock (<c>Booster.SingleRowLock</c>) is this binding's one guard of that shared native
/// state: the check of which predictor last configured it, the re-initialisation and the call must happen as one
/// step when predictors of one booster are used from several threads, which a library caller may do. It is not a
/// scorer's guard: a caller that gives each thread its own boosters (as <c>cvr serve</c>'s lanes do) never waits on
/// it, and nothing above it (row scorers, explainers) adds another.
/// </remarks>
public sealed class SingleRowPredictor : ISingleRowScorer
{
    private readonly Booster _booster;
    private readonly int _startIteration;
    private readonly int _iterations;
    private readonly string _parameter;
    private FastConfigHandle _config;

    internal SingleRowPredictor(Booster booster, PredictionKind kind, int startIteration, int iterations, int threads, int outputLength)
    {
        _booster = booster;
        Kind = kind;
        _startIteration = startIteration;
        _iterations = iterations;
        _parameter = threads > 0 ? "num_threads=" + threads.ToString(CultureInfo.InvariantCulture) : string.Empty;
        OutputLength = outputLength;
        LightGbmLibrary.EnsureInitialized();
        lock (booster.SingleRowLock)
        {
            _config = CreateConfig();
        }
    }

    public PredictionKind Kind { get; }

    public int ColumnCount => _booster.FeatureCount;

    /// <summary>Values per prediction: classes (normal, raw), classes × iterations (leaf), classes × (features + 1) (SHAP).</summary>
    public int OutputLength { get; }

    /// <summary>The first output value: the probability or score of a binary or regression model.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        Span<double> output = OutputLength <= 16 ? stackalloc double[OutputLength] : new double[OutputLength];
        Predict(row, output);
        return output[0];
    }

    /// <summary>Writes <see cref="OutputLength"/> values into <paramref name="output"/>.</summary>
    public unsafe void Predict(ReadOnlySpan<float> row, Span<double> output)
    {
        if (row.Length != ColumnCount)
        {
            throw new ArgumentException($"Expected {ColumnCount} features, got {row.Length}.", nameof(row));
        }
        if (output.Length < OutputLength)
        {
            throw new ArgumentException($"The output needs {OutputLength} values, has {output.Length}.", nameof(output));
        }
        lock (_booster.SingleRowLock)
        {
            var owners = _booster.SingleRowOwners;
            if (!ReferenceEquals(owners[(int)Kind], this))
            {
                _config.Dispose();
                _config = CreateConfig();
            }
            fixed (float* data = row)
            fixed (double* result = output)
            {
                NativeCheck.Check(
                    NativeMethods.LGBM_BoosterPredictForMatSingleRowFast(_config, data, out _, result),
                    nameof(NativeMethods.LGBM_BoosterPredictForMatSingleRowFast));
            }
        }
    }

    // Caller holds the booster's single-row lock.
    private FastConfigHandle CreateConfig()
    {
        NativeCheck.Check(
            NativeMethods.LGBM_BoosterPredictForMatSingleRowFastInit(
                _booster.Handle, (int)Kind, _startIteration, _iterations, NativeMethods.DTypeFloat32, _booster.FeatureCount,
                _parameter, out var config),
            nameof(NativeMethods.LGBM_BoosterPredictForMatSingleRowFastInit));
        config.KeepAlive(_booster.Handle);
        _booster.SingleRowOwners[(int)Kind] = this;
        return config;
    }

    public void Dispose()
    {
        lock (_booster.SingleRowLock)
        {
            if (ReferenceEquals(_booster.SingleRowOwners[(int)Kind], this))
            {
                _booster.SingleRowOwners[(int)Kind] = null;
            }
            _config.Dispose();
        }
    }
}
