using Cvr.Features;

namespace Cvr.Tests.Features;

public class FeatureConfigLoaderTests
{
    [Fact]
    public void Parse_EmptyObject_GivesThePapersDefaults()
    {
        var config = FeatureConfigLoader.Parse("{}");
        Assert.Equal(FeatureConfig.Default.Drop, config.Drop);
        Assert.Equal(1000, config.TargetEncoding.MinCount);
        Assert.Equal(["f_4", "f_6", "f_13", "f_15"], config.TargetEncoding.Columns);
        Assert.Equal(6, config.GroupStatistics.Pairs.Count);
        Assert.Equal(TargetEncodingMode.OutOfFold, config.TargetEncoding.Encoding);
    }

    [Fact]
    public void ToJson_RoundTrips()
    {
        var config = FeatureConfig.Default with { MissingValue = -1, Crosses = [["f_2", "f_3"]] };
        var again = FeatureConfigLoader.Parse(FeatureConfigLoader.ToJson(config));
        Assert.Equal(FeatureConfigLoader.ToJson(config), FeatureConfigLoader.ToJson(again));
        Assert.Contains("\"out_of_fold\"", FeatureConfigLoader.ToJson(config));
    }

    [Theory]
    [InlineData("{\"crosses\": [[\"f_4\", \"f_6\"], [\"f_4\", \"f_99\"]]}", "cfg.json: $.crosses[1][1]: 'f_99' is not a categorical input (expected f_2..f_32 or date_mod)")]
    [InlineData("{\"crosses\": [[\"f_4\"]]}", "cfg.json: $.crosses[0]: has 1 entries (expected two categorical columns)")]
    [InlineData("{\"group_statistics\": {\"pairs\": [[\"f_42\", \"f_71\"]]}}", "cfg.json: $.group_statistics.pairs[0][0]: 'f_42' is not a categorical input (expected f_2..f_32, date_mod or a cross)")]
    [InlineData("{\"target_encoding\": {\"targets\": [\"is_bought\"]}}", "cfg.json: $.target_encoding.targets[0]: unknown target 'is_bought' (expected is_installed, is_clicked, is_like or is_installed_given_like)")]
    [InlineData("{\"target_encoding\": {\"folds\": 1}}", "cfg.json: $.target_encoding.folds: 1 (expected 2 to 256)")]
    [InlineData("{\"target_encoding\": {\"folds\": 257}}", "cfg.json: $.target_encoding.folds: 257 (expected 2 to 256)")]
    [InlineData("{\"target_encoding\": {\"folds\": 1000}}", "cfg.json: $.target_encoding.folds: 1000 (expected 2 to 256)")]
    [InlineData("{\"base_values\": {\"values\": {\"f_42\": -1}}}", "cfg.json: $.base_values.values.f_42: base -1 must be a positive number")]
    [InlineData("{\"history\": {\"keys\": [\"f_6\", \"f_4@f_42\"]}}", "cfg.json: $.history.keys[1]: 'f_42' is not a categorical column (expected f_2..f_32, or several joined with '@' such as f_4@f_6)")]
    [InlineData("{\"history\": {\"keys\": [\"f_6@f_6\"]}}", "cfg.json: $.history.keys[0]: names a column twice")]
    [InlineData("{\"history\": {\"windows\": [1, -3]}}", "cfg.json: $.history.windows[1]: -3 days (expected 1 or more, or 0 for every earlier day)")]
    [InlineData("{\"history\": {\"prior_rows\": 0}}", "cfg.json: $.history.prior_rows: 0 (expected a positive number)")]
    [InlineData("{\"history\": {\"statistics\": [\"ctr\"]}}", "cfg.json: $.history.statistics[0] (line 1): invalid value (expected impressions, likes, installs, like_rate or install_rate)")]
    [InlineData("{\"drop\": [\"f_0\", \"user\"]}", "cfg.json: $.drop[1]: unknown column 'user' (expected f_0..f_79)")]
    [InlineData("{\"group_statistics\": {\"scope\": \"day\", \"encoding\": \"as_of\"}}", "cfg.json: $.group_statistics.encoding: as_of needs scope train or train_and_test (scope day already reads only each row's own day)")]
    [InlineData("{\"crosses_encoding\": \"out_of_fold\"}", "cfg.json: $.crosses_encoding (line 1): invalid value (expected in_sample or as_of)")]
    public void Parse_BadEntry_NamesItsPath(string json, string expected)
        => Assert.Equal(expected, Assert.Throws<FeatureConfigException>(() => FeatureConfigLoader.Parse(json, "cfg.json")).Message);

    [Fact]
    public void Parse_UnknownKey_IsAnError()
    {
        var e = Assert.Throws<FeatureConfigException>(() => FeatureConfigLoader.Parse("{\"target_encoding\": {\"nmin\": 5}}", "cfg.json"));
        Assert.Equal("cfg.json: $.target_encoding.nmin (line 1): unknown setting (see docs/features.md for the settings)", e.Message);
    }

    [Fact]
    public void Parse_BadEnumValue_ListsTheChoices()
    {
        var e = Assert.Throws<FeatureConfigException>(() => FeatureConfigLoader.Parse("{\n  \"target_encoding\": {\"prior\": \"bayes\"}\n}", "cfg.json"));
        Assert.Equal("cfg.json: $.target_encoding.prior (line 2): invalid value (expected paper or authors)", e.Message);
    }

    [Fact]
    public void Parse_AsOfEncoding_IsReadAndKeepsEveryOtherDefault()
    {
        var config = FeatureConfigLoader.Parse("{\"target_encoding\": {\"encoding\": \"as_of\"}}");
        Assert.Equal(TargetEncodingMode.AsOf, config.TargetEncoding.Encoding);
        Assert.Equal(FeatureConfigLoader.ToJson(FeatureConfig.Default with { TargetEncoding = FeatureConfig.Default.TargetEncoding with { Encoding = TargetEncodingMode.AsOf } }),
            FeatureConfigLoader.ToJson(config));
    }

    [Fact]
    public void Parse_AsOfCrossesAndStatistics_AreReadAndWrittenOnlyWhenSet()
    {
        var config = FeatureConfigLoader.Parse("{\"crosses_encoding\": \"as_of\", \"group_statistics\": {\"encoding\": \"as_of\"}}");
        Assert.Equal(SeenEncoding.AsOf, config.CrossesEncoding);
        Assert.Equal(SeenEncoding.AsOf, config.GroupStatistics.Encoding);
        Assert.Equal(FeatureConfigLoader.ToJson(config), FeatureConfigLoader.ToJson(FeatureConfigLoader.Parse(FeatureConfigLoader.ToJson(config))));
        Assert.DoesNotContain("in_sample", FeatureConfigLoader.ToJson(FeatureConfig.Default));
    }

    [Fact]
    public void Parse_UnknownEncoding_NamesTheEncodings()
    {
        var e = Assert.Throws<FeatureConfigException>(() => FeatureConfigLoader.Parse("{\"target_encoding\": {\"encoding\": \"causal\"}}", "cfg.json"));
        Assert.Equal("cfg.json: $.target_encoding.encoding (line 1): invalid value (expected out_of_fold, in_sample or as_of)", e.Message);
    }
}
