using System.Globalization;
using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>
/// The default search spaces of <c>cvr tune</c> over LightGBM's main parameters (the paper tuned with Optuna's TPE
/// but did not publish its spaces; these are the ranges Optuna's LightGBM tuner and common practice use).
/// </summary>
/// <remarks>
/// max_bin is a Dataset parameter, and <c>cvr train</c> bins once with Model_e2e's parameters and lets like and
/// install share those bins (stage 2 is a subset of them). So only e2e's space holds max_bin: like and install are
/// tuned on the bins train would give them, and a max_bin of their own would be silently ignored by train.
/// </remarks>
public static class SearchSpaces
{
    /// <summary>The parameter that needs its own LightGBM Dataset per value.</summary>
    public const string MaxBin = "max_bin";

    /// <summary>
    /// bagging_freq is not searched: fixed at 1 (resample every iteration), so every sampled bagging_fraction has
    /// an effect; with a fraction of 1.0 LightGBM does no bagging. A {0, 1, 5} choice would waste trials on
    /// fractions that do nothing when the frequency is 0 (the authors' code had exactly that no-op).
    /// </summary>
    public const int BaggingFrequency = 1;

    /// <summary>The models <c>cvr tune</c> can tune, in the order "all" tunes them (e2e first: it owns the bins).</summary>
    public static readonly string[] Models = [ModelNames.EndToEnd, ModelNames.Like, ModelNames.Install];

    /// <summary>The parameters every model tunes (everything but max_bin).</summary>
    public static SearchSpace Shared() => new SearchSpace()
        .Int("num_leaves", 15, 255, log: true)
        .Float("learning_rate", 0.01, 0.2, log: true)
        .Int("min_data_in_leaf", 10, 1000, log: true)
        .Float("feature_fraction", 0.4, 1.0)
        .Float("bagging_fraction", 0.4, 1.0)
        .Float("lambda_l1", 1e-8, 10, log: true)
        .Float("lambda_l2", 1e-8, 10, log: true)
        .Float("min_sum_hessian_in_leaf", 1e-5, 10, log: true);

    /// <summary>The default space of one model: <see cref="Shared"/>, plus max_bin for e2e; or the space of the
    /// ensemble member kind of <paramref name="kinds"/> by that name (<see cref="IEnsembleMemberKind.SearchSpace"/>).</summary>
    /// <exception cref="ConfigurationException">Neither a booster <c>cvr tune</c> tunes nor a kind of <paramref name="kinds"/>.</exception>
    public static SearchSpace For(string model, EnsembleMemberKinds? kinds = null)
    {
        if (kinds is not null && kinds.TryGet(model, out var kind))
        {
            return kind.SearchSpace();
        }
        if (!Models.Contains(model))
        {
            throw new ConfigurationException($"cannot tune model '{model}' (expected {Expected(kinds ?? EnsembleMemberKinds.Empty)})");
        }
        var space = Shared();
        return model == ModelNames.EndToEnd ? space.Categorical(MaxBin, 63, 127, 255) : space;
    }

    /// <summary>What <c>cvr tune --model</c> takes, for messages: the boosters, the member kinds, "all".</summary>
    internal static string Expected(EnsembleMemberKinds kinds) => $"{string.Join(", ", [.. Models, .. kinds.Names])} or all";

    /// <summary>
    /// A trial's values as LightGBM parameters (canonical names, invariant text, as a --params file holds them),
    /// with the fixed companions: bagging_freq, and feature_pre_filter off so that any min_data_in_leaf is honoured
    /// by a Dataset that was binned once (with pre-filtering, LightGBM drops features at binning time using the
    /// min_data_in_leaf of that moment).
    /// </summary>
    public static Dictionary<string, string> ToLightGbm(IReadOnlyDictionary<string, object> values)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in values)
        {
            result[name] = Format(value);
        }
        result["bagging_freq"] = BaggingFrequency.ToString(CultureInfo.InvariantCulture);
        result["feature_pre_filter"] = "false";
        return result;
    }

    /// <summary>Invariant text; round-trip exact unless <paramref name="digits"/> asks for a short form (logs).</summary>
    internal static string Format(object value, int? digits = null) => value switch
    {
        double d => d.ToString(digits is { } n ? $"G{n}" : "R", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };
}
