using Cvr.Modeling;
using Cvr.Modeling.Tuning;
using Cvr.Tuning;

namespace Cvr.Tests.Modeling.Tuning;

public class SearchSpacesTests
{
    [Fact]
    public void For_EndToEnd_AddsMaxBinToTheSharedSpace()
    {
        var e2e = SearchSpaces.For(ModelNames.EndToEnd);
        var like = SearchSpaces.For(ModelNames.Like);
        Assert.Equal(
            ["num_leaves", "learning_rate", "min_data_in_leaf", "feature_fraction", "bagging_fraction", "lambda_l1", "lambda_l2", "min_sum_hessian_in_leaf", "max_bin"],
            e2e.Select(p => p.Key));
        Assert.Equal(e2e.Count - 1, like.Count);
        Assert.DoesNotContain(like, p => p.Key == SearchSpaces.MaxBin);
        Assert.Equal(new CategoricalDistribution([63, 127, 255]), e2e[SearchSpaces.MaxBin]);
        Assert.Equal(new IntDistribution(15, 255, log: true), e2e["num_leaves"]);
    }

    [Fact]
    public void For_UnknownModel_Throws()
    {
        var e = Assert.Throws<ConfigurationException>(() => SearchSpaces.For("click", new EnsembleMemberKinds(new Cvr.Tests.Modeling.StubMemberKind("mmoe"))));
        Assert.Equal("cannot tune model 'click' (expected e2e, like, install, mmoe or all)", e.Message);
    }

    [Fact]
    public void ToLightGbm_Values_InvariantTextWithFixedCompanions()
    {
        var values = new Dictionary<string, object> { ["num_leaves"] = 63, ["lambda_l1"] = 1.5e-7, ["max_bin"] = 127L };
        var parameters = SearchSpaces.ToLightGbm(values);
        Assert.Equal("63", parameters["num_leaves"]);
        Assert.Equal("1.5E-07", parameters["lambda_l1"]);
        Assert.Equal("127", parameters["max_bin"]);
        Assert.Equal("1", parameters["bagging_freq"]);
        Assert.Equal("false", parameters["feature_pre_filter"]);
    }

    [Fact]
    public void ToLightGbm_SampledTrial_RendersAsValidLightGbmParameters()
    {
        var study = Study.Create(new StudyOptions { Sampler = new RandomSampler(3) });
        var trial = study.Ask();
        var parameters = SearchSpaces.ToLightGbm(trial.Suggest(SearchSpaces.For(ModelNames.EndToEnd)));
        var rendered = new TrainingOptions { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["e2e"] = parameters } }
            .ParametersFor(ModelNames.EndToEnd).ToParameterString();
        Assert.Contains($"max_bin={parameters["max_bin"]}", rendered, StringComparison.Ordinal);
    }
}
