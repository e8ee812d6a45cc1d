using System.Globalization;
using System.Text;

namespace Cvr.LightGbm;

/// <summary>
/// LightGBM parameters: the ones this project sets or tunes are typed, anything else goes in <see cref="Extra"/>
/// (validated against LightGBM's own parameter list); <see cref="WithOverrides"/> merges free-form name/value
/// pairs (a user's parameter file) into the typed properties where they name one. A null property means "LightGBM's default" and is not
/// rendered. The same record configures datasets and boosters, as LightGBM expects them to agree.
/// </summary>
public sealed partial record LightGbmParameters
{
    public string? Objective { get; init; }
    public string? Boosting { get; init; }
    /// <summary>Metrics to evaluate, in order; the first is what early stopping watches by default.</summary>
    public IReadOnlyList<string>? Metrics { get; init; }
    public double? LearningRate { get; init; }
    public int? NumLeaves { get; init; }
    public int? MaxDepth { get; init; }
    public int? MinDataInLeaf { get; init; }
    public double? MinSumHessianInLeaf { get; init; }
    public double? FeatureFraction { get; init; }
    public double? BaggingFraction { get; init; }
    public int? BaggingFrequency { get; init; }
    public double? LambdaL1 { get; init; }
    public double? LambdaL2 { get; init; }
    public double? MinGainToSplit { get; init; }
    public int? MaxBin { get; init; }
    public double? ScalePosWeight { get; init; }
    /// <summary>Zero-based column indices LightGBM treats as categorical (dataset parameter).</summary>
    public IReadOnlyList<int>? CategoricalFeatures { get; init; }
    public int? NumThreads { get; init; }
    public int? Seed { get; init; }
    /// <summary>With a fixed <see cref="Seed"/>, makes repeated runs produce the same model string.</summary>
    public bool? Deterministic { get; init; }
    public bool? ForceColWise { get; init; }
    public bool? ForceRowWise { get; init; }
    /// <summary>LightGBM's log level: &lt; 0 fatal, 0 warnings, 1 info, &gt; 1 debug.</summary>
    public int? Verbosity { get; init; }
    /// <summary>"serial" (default) or "data" for distributed data-parallel training.</summary>
    public string? TreeLearner { get; init; }
    public int? NumMachines { get; init; }
    /// <summary>True when every machine already holds its own part of the rows (distributed training).</summary>
    public bool? PrePartition { get; init; }
    /// <summary>
    /// False keeps features that <see cref="MinDataInLeaf"/> makes unsplittable in the binned dataset, so boosters
    /// with other min_data_in_leaf values (a tuner's trials) can train on the same bins (dataset parameter).
    /// </summary>
    public bool? FeaturePreFilter { get; init; }

    /// <summary>Further parameters by LightGBM name or alias; values are rendered as given.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>The typed parameters as LightGBM names and invariant-culture values, in declaration order.</summary>
    internal IEnumerable<KeyValuePair<string, string>> TypedEntries()
    {
        static KeyValuePair<string, string> E(string key, string value) => new(key, value);
        if (Objective is { } objective) yield return E("objective", objective);
        if (Boosting is { } boosting) yield return E("boosting", boosting);
        if (Metrics is { } metrics) yield return E("metric", metrics.Count == 0 ? "None" : string.Join(',', metrics));
        if (LearningRate is { } learningRate) yield return E("learning_rate", Format(learningRate));
        if (NumLeaves is { } numLeaves) yield return E("num_leaves", Format(numLeaves));
        if (MaxDepth is { } maxDepth) yield return E("max_depth", Format(maxDepth));
        if (MinDataInLeaf is { } minData) yield return E("min_data_in_leaf", Format(minData));
        if (MinSumHessianInLeaf is { } minHessian) yield return E("min_sum_hessian_in_leaf", Format(minHessian));
        if (FeatureFraction is { } featureFraction) yield return E("feature_fraction", Format(featureFraction));
        if (BaggingFraction is { } baggingFraction) yield return E("bagging_fraction", Format(baggingFraction));
        if (BaggingFrequency is { } baggingFrequency) yield return E("bagging_freq", Format(baggingFrequency));
        if (LambdaL1 is { } l1) yield return E("lambda_l1", Format(l1));
        if (LambdaL2 is { } l2) yield return E("lambda_l2", Format(l2));
        if (MinGainToSplit is { } minGain) yield return E("min_gain_to_split", Format(minGain));
        if (MaxBin is { } maxBin) yield return E("max_bin", Format(maxBin));
        if (ScalePosWeight is { } scalePosWeight) yield return E("scale_pos_weight", Format(scalePosWeight));
        if (CategoricalFeatures is { Count: > 0 } categorical)
            yield return E("categorical_feature", string.Join(',', categorical.Select(i => Format(i))));
        if (NumThreads is { } numThreads) yield return E("num_threads", Format(numThreads));
        if (Seed is { } seed) yield return E("seed", Format(seed));
        if (Deterministic is { } deterministic) yield return E("deterministic", Format(deterministic));
        if (ForceColWise is { } colWise) yield return E("force_col_wise", Format(colWise));
        if (ForceRowWise is { } rowWise) yield return E("force_row_wise", Format(rowWise));
        if (Verbosity is { } verbosity) yield return E("verbosity", Format(verbosity));
        if (TreeLearner is { } treeLearner) yield return E("tree_learner", treeLearner);
        if (NumMachines is { } numMachines) yield return E("num_machines", Format(numMachines));
        if (PrePartition is { } prePartition) yield return E("pre_partition", Format(prePartition));
        if (FeaturePreFilter is { } preFilter) yield return E("feature_pre_filter", Format(preFilter));
    }

    /// <summary>
    /// Renders LightGBM's "key=value key=value" string after checking every key against LightGBM's parameter
    /// list (LightGBM itself silently ignores unknown keys). Values are not checked here: LightGBM rejects bad
    /// values itself, with its own message, when the dataset or booster is created.
    /// </summary>
    public string ToParameterString()
    {
        var catalog = ParameterCatalog.Instance;
        var rendered = new Dictionary<string, string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (var (key, value) in TypedEntries().Concat(Extra))
        {
            var canonical = catalog.Resolve(key);
            if (!rendered.TryAdd(canonical, key))
            {
                throw new ArgumentException(
                    $"LightGBM parameter '{canonical}' is set twice (as '{rendered[canonical]}' and '{key}').", nameof(Extra));
            }
            if (value.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"LightGBM parameter '{key}' has whitespace in its value '{value}'.", nameof(Extra));
            }
            if (text.Length > 0) text.Append(' ');
            text.Append(key).Append('=').Append(value);
        }
        return text.ToString();
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Format(bool value) => value ? "true" : "false";
}
