namespace Cvr.LightGbm;

/// <summary>What a prediction returns (C_API_PREDICT_*).</summary>
public enum PredictionKind
{
    /// <summary>The objective's output, e.g. a probability for binary (one value per row and class).</summary>
    Normal = 0,

    /// <summary>The raw score before the link function, without any dataset init_score.</summary>
    RawScore = 1,

    /// <summary>The leaf index reached in every tree (one value per row, class and iteration).</summary>
    LeafIndex = 2,

    /// <summary>SHAP contributions: one per feature plus the expected value last; they sum to the raw score.</summary>
    Contributions = 3,
}

/// <summary>How feature importance is counted (C_API_FEATURE_IMPORTANCE_*).</summary>
public enum FeatureImportanceKind
{
    /// <summary>Number of splits on the feature.</summary>
    Split = 0,

    /// <summary>Total loss reduction of the splits on the feature.</summary>
    Gain = 1,
}
