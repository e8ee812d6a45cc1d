using System.Globalization;

namespace Cvr.LightGbm;

public sealed partial record LightGbmParameters
{
    /// <summary>
    /// A copy with free-form <c>name=value</c> pairs applied on top: names and aliases are resolved against
    /// LightGBM's own list (an unknown name throws, naming the closest valid ones); a name of a typed property
    /// sets that property, parsed with the invariant culture; any other name replaces or adds its
    /// <see cref="Extra"/> entry under LightGBM's main name. Later pairs win over earlier ones.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name, or a value a typed property can't hold.</exception>
    public LightGbmParameters WithOverrides(IEnumerable<KeyValuePair<string, string>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var catalog = ParameterCatalog.Instance;
        var result = this;
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Extra) { extra[catalog.Resolve(key)] = value; }
        foreach (var (key, value) in overrides)
        {
            var name = catalog.Resolve(key);
            var typed = result.WithTyped(name, value, key);
            if (typed is null)
            {
                extra[name] = value;
            }
            else
            {
                result = typed;
                extra.Remove(name);
            }
        }
        return result with { Extra = extra };
    }

    /// <summary>The main LightGBM name of a parameter name or alias (an unknown name throws, naming the closest).</summary>
    public static string MainName(string key) => ParameterCatalog.Instance.Resolve(key);

    /// <summary>This record with the typed property called <paramref name="name"/> set, or null when no typed
    /// property has that name.</summary>
    private LightGbmParameters? WithTyped(string name, string value, string given) => name switch
    {
        "objective" => this with { Objective = value },
        "boosting" => this with { Boosting = value },
        "metric" => this with { Metrics = value.Length == 0 || value == "None" ? [] : value.Split(',') },
        "learning_rate" => this with { LearningRate = Double(given, value) },
        "num_leaves" => this with { NumLeaves = Int(given, value) },
        "max_depth" => this with { MaxDepth = Int(given, value) },
        "min_data_in_leaf" => this with { MinDataInLeaf = Int(given, value) },
        "min_sum_hessian_in_leaf" => this with { MinSumHessianInLeaf = Double(given, value) },
        "feature_fraction" => this with { FeatureFraction = Double(given, value) },
        "bagging_fraction" => this with { BaggingFraction = Double(given, value) },
        "bagging_freq" => this with { BaggingFrequency = Int(given, value) },
        "lambda_l1" => this with { LambdaL1 = Double(given, value) },
        "lambda_l2" => this with { LambdaL2 = Double(given, value) },
        "min_gain_to_split" => this with { MinGainToSplit = Double(given, value) },
        "max_bin" => this with { MaxBin = Int(given, value) },
        "scale_pos_weight" => this with { ScalePosWeight = Double(given, value) },
        "categorical_feature" => this with { CategoricalFeatures = value.Length == 0 ? [] : [.. value.Split(',').Select(v => Int(given, v))] },
        "num_threads" => this with { NumThreads = Int(given, value) },
        "seed" => this with { Seed = Int(given, value) },
        "deterministic" => this with { Deterministic = Bool(given, value) },
        "force_col_wise" => this with { ForceColWise = Bool(given, value) },
        "force_row_wise" => this with { ForceRowWise = Bool(given, value) },
        "verbosity" => this with { Verbosity = Int(given, value) },
        "tree_learner" => this with { TreeLearner = value },
        "num_machines" => this with { NumMachines = Int(given, value) },
        "pre_partition" => this with { PrePartition = Bool(given, value) },
        "feature_pre_filter" => this with { FeaturePreFilter = Bool(given, value) },
        _ => null,
    };

    private static double Double(string key, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
            ? parsed
            : throw new ArgumentException($"LightGBM parameter '{key}': '{value}' is not a number.");

    private static int Int(string key, string value)
    {
        // LightGBM reads integers from their decimal text; a whole number written as 31.0 (JSON numbers) is accepted.
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)) return parsed;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real == Math.Floor(real) && Math.Abs(real) <= int.MaxValue)
            return (int)real;
        throw new ArgumentException($"LightGBM parameter '{key}': '{value}' is not a whole number.");
    }

    private static bool Bool(string key, string value) => value switch
    {
        "true" or "+" or "1" => true,
        "false" or "-" or "0" => false,
        _ => throw new ArgumentException($"LightGBM parameter '{key}': '{value}' is not true or false."),
    };

    /// <summary>
    /// Lets LightGBM itself check every value (a range, an enum, a combination) by building a four-row dataset
    /// and a booster with these parameters, so a bad value fails in milliseconds with LightGBM's own message
    /// instead of after the features are built. Distributed settings (num_machines &gt; 1) are refused here
    /// unless a <see cref="Network"/> is active, as <see cref="Booster.Create"/> would.
    /// </summary>
    /// <exception cref="LightGbmException">LightGBM rejected a value; the message is LightGBM's.</exception>
    public void Validate()
    {
        ReadOnlySpan<float> values = [0f, 1f, 2f, 3f];
        using var data = Dataset.FromMatrix(values, 4, 1, this with { MinDataInLeaf = 1, Verbosity = -1 }, MatrixLayout.RowMajor);
        data.SetLabel([0f, 1f, 0f, 1f]);
        using var booster = Booster.Create(data, this);
    }
}
