namespace Cvr.LightGbm.Tests;

public class LightGbmParametersTests
{
    [LightGbmFact]
    public void ToParameterString_TypedAndExtra_RendersInvariantKeyValues()
    {
        var parameters = new LightGbmParameters
        {
            Objective = "binary",
            Metrics = ["auc", "binary_logloss"],
            LearningRate = 0.05,
            LambdaL2 = 1e-3,
            CategoricalFeatures = [1, 4],
            Deterministic = true,
            Extra = new Dictionary<string, string> { ["min_data_per_group"] = "50" },
        };
        Assert.Equal(
            "objective=binary metric=auc,binary_logloss learning_rate=0.05 lambda_l2=0.001 categorical_feature=1,4 deterministic=true min_data_per_group=50",
            parameters.ToParameterString());
    }

    [LightGbmFact]
    public void ToParameterString_UnknownKey_ThrowsWithSuggestion()
    {
        var parameters = new LightGbmParameters { Extra = new Dictionary<string, string> { ["num_leavs"] = "31" } };
        var error = Assert.Throws<ArgumentException>(parameters.ToParameterString);
        Assert.StartsWith("Unknown LightGBM parameter 'num_leavs'. Did you mean 'num_leaves'", error.Message, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void ToParameterString_AliasOfTypedParameter_ThrowsDuplicate()
    {
        var parameters = new LightGbmParameters { LearningRate = 0.1, Extra = new Dictionary<string, string> { ["eta"] = "0.2" } };
        var error = Assert.Throws<ArgumentException>(parameters.ToParameterString);
        Assert.Contains("'learning_rate' is set twice (as 'learning_rate' and 'eta')", error.Message, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void ToParameterString_AliasKey_Accepted()
    {
        var parameters = new LightGbmParameters { Extra = new Dictionary<string, string> { ["n_estimators"] = "10" } };
        Assert.Equal("n_estimators=10", parameters.ToParameterString());
    }

    [LightGbmFact]
    public void ToParameterString_EmptyMetrics_RendersNone()
    {
        Assert.Equal("metric=None", new LightGbmParameters { Metrics = [] }.ToParameterString());
    }

    [LightGbmFact]
    public void ToParameterString_WhitespaceInValue_Throws()
    {
        var parameters = new LightGbmParameters { Objective = "binary x" };
        Assert.Throws<ArgumentException>(parameters.ToParameterString);
    }
}
