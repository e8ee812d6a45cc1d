using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>
/// Fitting every step on K shards of the rows and merging the partials gives the pipeline of one fit, byte for byte
/// (the bundle's features.json): what training across machines stands on.
/// </summary>
public class ShardedFitTests
{
    private const int Rows = 3_000;

    /// <summary>Slices of 97 rows: every shard boundary below cuts through a slice of the group statistics.</summary>
    private const int SliceRows = 97;

    /// <summary>The feature configurations every sharded fit is tested on.</summary>
    internal static readonly string[] Configs = ["every_step", "detected_bases", "train_and_test", "fitting_subset", "in_sample", "as_of"];

    /// <summary>Each of <see cref="Configs"/> cut at 1, 2 (almost all rows in the first) and 3 places (a one-row part
    /// first), as the ends of the parts.</summary>
    internal static TheoryData<string, int[]> UnevenCases(int rows)
    {
        var data = new TheoryData<string, int[]>();
        foreach (var config in Configs)
        {
            data.Add(config, [rows]);
            data.Add(config, [2_731, rows]);
            data.Add(config, [1, 1_000, rows]);
        }
        return data;
    }

    /// <summary>Uneven shards: K = 1, 2 (almost all rows in the first) and 3 (a one-row shard first), and empty ones.</summary>
    public static TheoryData<string, int[]> Cases()
    {
        var data = UnevenCases(Rows);
        // Empty shards (a machine with no rows of the range) merge as nothing.
        data.Add("every_step", [0, 1_500, 1_500, Rows]);
        return data;
    }

    /// <summary>Every kind of step and input: the default steps, a cross of a cross, group statistics and encodings
    /// keyed on crosses and on date_mod, a history key of three columns, and every target (is_installed_given_like
    /// counts liked rows only).</summary>
    internal static FeatureConfig Config(string which)
    {
        var every = new FeatureConfig
        {
            Crosses = [["f_4", "f_6"], ["date_mod", "f_11"], ["f_4@f_6", "f_2"]],
            GroupStatistics = new GroupStatisticsConfig { Pairs = [.. FeatureConfig.Default.GroupStatistics.Pairs, ["f_4@f_6@f_2", "f_42"], ["date_mod", "f_71"]] },
            TargetEncoding = new TargetEncodingConfig
            {
                Columns = ["f_4", "f_6", "f_13", "f_15", "date_mod@f_11"],
                Targets = [Targets.Installed, Targets.Like, Targets.InstalledGivenLike],
                MinCount = 20,
            },
            History = FeatureConfig.Default.History with { Keys = [.. FeatureConfig.Default.History.Keys, "f_2@f_4@f_6"] },
        };
        return which switch
        {
            "detected_bases" => every with { BaseValues = new BaseValuesConfig { Source = BaseValueSource.Detect } },
            "train_and_test" => every with { GroupStatistics = every.GroupStatistics with { Scope = StatisticsScope.TrainAndTest } },
            "in_sample" => every with { TargetEncoding = every.TargetEncoding with { Encoding = TargetEncodingMode.InSample, Prior = BetaPriorRule.Authors } },
            "as_of" => every with { TargetEncoding = every.TargetEncoding with { Encoding = TargetEncodingMode.AsOf } },
            _ => every,
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void FitSharded_AnyShards_GivesTheBytesOfOneFit(string which, int[] shardEnds)
    {
        var train = FeatureFrames.Default(Rows, seed: 31);
        var test = which == "train_and_test" ? FeatureFrames.Default(500, seed: 32, firstRowId: Rows + 1, day: 67) : null;
        int[]? rows = which == "fitting_subset" ? [.. Enumerable.Range(0, Rows).Where(r => r % 5 != 2)] : null;
        var pipeline = new FeaturePipeline(Config(which)) { StatisticsSliceRows = SliceRows };

        var whole = pipeline.Fit(train, rows, test);
        var sharded = pipeline.FitSharded(train, shardEnds, rows, test);

        Assert.True(whole.Steps.Count >= 30, $"{whole.Steps.Count} steps");
        Assert.Equal(whole.Steps.Select(s => s.Step.GetType()), sharded.Steps.Select(s => s.Step.GetType()));
        for (var i = 0; i < whole.Steps.Count; i++)
        {
            Assert.Equal(StateJson(whole.Steps[i]), StateJson(sharded.Steps[i]));
        }
        Assert.Equal(whole.ToJson(), sharded.ToJson());
    }

    private static readonly JsonSerializerOptions s_json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    private static string StateJson(FittedStep step) => $"{step.Step.GetType().Name}: {JsonSerializer.Serialize(step.State, step.State.GetType(), s_json)}";

    [Fact]
    public void FitSharded_RowsOutOfOrder_IsRefused()
    {
        var train = FeatureFrames.Default(100, seed: 33);
        var e = Assert.Throws<ArgumentException>(() => new FeaturePipeline(FeatureConfig.Default).FitSharded(train, [50, 100], [3, 2, 60]));
        Assert.StartsWith("a sharded fit needs the fitting rows in ascending order", e.Message, StringComparison.Ordinal);
    }
}
