using Cvr.Modeling;
using Cvr.Tests.Features;

namespace Cvr.Tests.Modeling;

/// <summary>Who reads and trains on what: the shards each rank reads, its frame (its own rows and every rank's
/// validation day), and its training rows' place among every rank's.</summary>
public class RankPartitionTests
{
    [Theory]
    [InlineData(4, 2, new[] { 2, 2 })]
    [InlineData(4, 3, new[] { 1, 1, 2 })]
    [InlineData(30, 4, new[] { 7, 8, 7, 8 })]
    [InlineData(3, 3, new[] { 1, 1, 1 })]
    public void Assign_EveryRank_ReadsAContiguousRunOfShards_EachShardOnce(int shards, int ranks, int[] counts)
    {
        string[] names = [.. Enumerable.Range(0, shards).Select(i => $"{i:D12}.csv")];

        var assigned = Enumerable.Range(0, ranks).Select(r => RankShards.Assign(names, r, ranks)).ToArray();

        Assert.Equal(counts, assigned.Select(a => a.Count));
        Assert.Equal(names, assigned.SelectMany(a => a));
    }

    [Fact]
    public void Assign_FewerShardsThanRanks_RefusedSayingWhatToDo()
    {
        var e = Assert.Throws<ConfigurationException>(() => RankShards.Assign(["a.csv", "b.csv"], 0, 3));
        Assert.StartsWith("3 ranks but 2 train shards: each rank reads whole shards", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void RankFrames_EveryRank_HoldsItsOwnRowsAndTheWholeValidationDay_InOneMachinesOrder(int ranks)
    {
        var whole = FeatureFrames.Default(3_000, seed: 43);
        int[] ends = ranks == 2 ? [1_300, 3_000] : [900, 1_000, 3_000];
        var one = DaySplit.Of(whole, null);

        var frames = RankFrames.Of(whole, ends, 66);

        var next = 0;
        for (var r = 0; r < ranks; r++)
        {
            var (frame, shards) = frames[r];
            var split = DaySplit.Of(frame, null, shards);
            var (start, end) = (r == 0 ? 0 : ends[r - 1], ends[r]);
            int[] own = [.. one.TrainRows.Where(row => row >= start && row < end)];
            // Its training rows are its own shards', at their place among every rank's.
            Assert.Equal(own.Select(row => whole.RowIds[row]), split.TrainRows.Select(row => frame.RowIds[row]));
            Assert.Equal((next, next + own.Length), split.Ranks!.Block);
            Assert.Equal(one.TrainRows.Length, split.TotalTrainRows);
            next += own.Length;
            // The validation day whole, in one machine's order; nothing else of another rank's.
            Assert.Equal(one.ValidationRows.Select(row => whole.RowIds[row]), split.ValidationRows.Select(row => frame.RowIds[row]));
            Assert.Equal(end - start + one.ValidationRows.Count(row => row < start || row >= end), frame.RowCount);
            Assert.Equal((one.ValidationDay, one.FirstTrainDay, one.LastTrainDay), (split.ValidationDay, split.FirstTrainDay, split.LastTrainDay));
            Assert.Equal(one.Summary(), split.Summary());
        }
        Assert.Equal(one.TrainRows.Length, next);
    }

    [Fact]
    public void AllDays_OnARank_IsItsOwnRowsOfEveryDay()
    {
        var whole = FeatureFrames.Default(2_000, seed: 44);
        var (frame, shards) = RankFrames.Of(whole, [700, 2_000], 66)[1];

        var split = DaySplit.AllDays(frame, shards);

        Assert.Equal(whole.RowIds[700..], split.TrainRows.Select(row => frame.RowIds[row]));
        Assert.Equal((700, 2_000), split.Ranks!.Block);
    }

    [Fact]
    public void EveryKth_GivesTheBlocksOfEveryKthRowOfEveryRank()
    {
        var rows = new RankRows(1, [5, 9, 14]);

        var kept = rows.EveryKth(3); // positions 0, 3 | 6 | 9, 12

        Assert.Equal([2, 3, 5], kept.Ends);
        Assert.Equal((2, 3), kept.Block);
    }

    [Fact]
    public void FrameEnds_OwnRangeIsTheRanksRows()
    {
        var days = new ShardDays(new Dictionary<int, int> { [45] = 1 }, new Dictionary<int, int> { [45] = 1 });
        var shards = new RankShards(1, (40, 90), [days, days, days]);

        Assert.Equal([40, 90, 120], shards.FrameEnds(120));
    }

    [Fact]
    public void Configure_OneRank_LeavesParametersAsTheyAre()
    {
        var parameters = new Cvr.LightGbm.LightGbmParameters { Objective = "binary" };
        Assert.Same(parameters, new RankPartition(0, 1).Configure(parameters));
        var distributed = new RankPartition(1, 3).Configure(parameters);
        Assert.Equal(("data", 3, true), (distributed.TreeLearner, distributed.NumMachines, distributed.PrePartition));
    }

    [Fact]
    public void CheckEveryRankHasRows_RankWithoutLikedOrTrainingRows_NamesIt()
    {
        static ShardDays Days(int rows, int liked, int day = 45) => new(new Dictionary<int, int> { [day] = rows, [66] = 3 }, new Dictionary<int, int> { [day] = liked });
        var noLiked = new RankShards(0, (0, 1), [Days(5, 1), Days(5, 0), Days(5, 2)]);
        var noRows = new RankShards(0, (0, 1), [Days(5, 1), Days(5, 1, day: 67)]);

        var e = Assert.Throws<ConfigurationException>(() => noLiked.CheckEveryRankHasRows(66));
        Assert.StartsWith("rank 1 of 3 has no liked training rows", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ConfigurationException>(() => noRows.CheckEveryRankHasRows(66));
        Assert.StartsWith("rank 1 of 2 has no training rows (days before validation day 66) in its shards (days 66..67, 8 rows)", e.Message, StringComparison.Ordinal);
        new RankShards(2, (0, 1), [Days(5, 1), Days(5, 1), Days(5, 2)]).CheckEveryRankHasRows(66);
    }

    [Fact]
    public void ResolveIPv4_HostName_GivesAnIPv4Literal()
    {
        var cluster = ClusterOptions.From("localhost:12400,127.0.0.1:12401", 1, shared: null);
        Assert.Equal(["127.0.0.1:12400", "127.0.0.1:12401"], cluster.ResolveIPv4(CancellationToken.None));
        Assert.Equal(12401, cluster.ListenPort);
    }

    [Fact]
    public void ResolveIPv4_Ipv6Literal_RefusedAfterTheTimeout()
    {
        var cluster = ClusterOptions.From("[::1]:12400,127.0.0.1:12401", 1, shared: null, TimeSpan.FromMilliseconds(1));
        var error = Assert.Throws<ConfigurationException>(() => cluster.ResolveIPv4(CancellationToken.None));
        Assert.Contains("[::1] has no IPv4 address", error.Message, StringComparison.Ordinal);
    }
}
