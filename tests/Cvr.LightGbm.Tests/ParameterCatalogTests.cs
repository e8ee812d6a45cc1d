namespace Cvr.LightGbm.Tests;

public class ParameterCatalogTests
{
    [LightGbmFact]
    public void Resolve_Alias_ReturnsMainName()
    {
        Assert.Equal("learning_rate", ParameterCatalog.Instance.Resolve("shrinkage_rate"));
        Assert.Equal("num_iterations", ParameterCatalog.Instance.Resolve("num_boost_round"));
    }

    [LightGbmFact]
    public void Instance_FromLibrary_HasLightGbmParameterTable()
    {
        // LightGBM 4.7.0 has 141 main parameters; their aliases make the list longer.
        Assert.True(ParameterCatalog.Instance.AllNames.Count() > 141);
    }

    [LightGbmFact]
    public void Suggest_FarFromEverything_ReturnsNothing()
    {
        Assert.Empty(ParameterCatalog.Instance.Suggest("zzzzzzzzzzzzzzzzzzzz", 3));
    }

    [Fact]
    public void Resolve_Typo_NamesClosestCandidates()
    {
        var catalog = new ParameterCatalog(new Dictionary<string, IReadOnlyList<string>>
        {
            ["num_leaves"] = ["num_leaf", "max_leaves"],
            ["max_depth"] = [],
            ["max_bin"] = [],
        });
        // "max_leave" is one edit from the alias "max_leaves": the suggestion names the main parameter, once.
        var error = Assert.Throws<ArgumentException>(() => catalog.Resolve("max_leave"));
        Assert.Equal("Unknown LightGBM parameter 'max_leave'. Did you mean 'num_leaves', 'max_depth'? (Parameter 'key')", error.Message);
    }
}
