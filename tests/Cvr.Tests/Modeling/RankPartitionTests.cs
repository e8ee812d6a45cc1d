using Cvr.Modeling;

namespace Cvr.Tests.Modeling;

public class RankPartitionTests
{
    [Theory]
    [InlineData(10, 3)]
    [InlineData(7, 7)]
    [InlineData(100_001, 4)]
    public void BlockOf_EveryRank_CoversEveryRowOnceInOrder(int rows, int ranks)
    {
        var partition = new RankPartition(0, ranks);
        var next = 0;
        for (var r = 0; r < ranks; r++)
        {
            var (start, end) = partition.BlockOf(r, rows);
            Assert.Equal(next, start);
            Assert.InRange(end - start, rows / ranks, (rows / ranks) + 1); // near-equal blocks
            next = end;
        }
        Assert.Equal(rows, next);
    }

    [Theory]
    [InlineData(2, new[] { 5, 10 })]
    [InlineData(3, new[] { 3, 7, 10 })]
    [InlineData(6, new[] { 2, 3, 5, 7, 8, 10 })]
    public void FrameShardEnds_EachRange_HoldsItsRanksBlockOfTrainingRows(int ranks, int[] expected)
    {
        int[] trainRows = [0, 2, 3, 5, 7, 8]; // rows 1, 4, 6 and 9 of the frame are another day's
        var partition = new RankPartition(0, ranks);

        var ends = partition.FrameShardEnds(trainRows, 10);

        Assert.Equal(expected, ends);
        for (var r = 0; r < ranks; r++)
        {
            var (start, end) = partition.BlockOf(r, trainRows.Length);
            var from = r == 0 ? 0 : ends[r - 1];
            Assert.Equal(trainRows[start..end], trainRows.Where(row => row >= from && row < ends[r]));
        }
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
    public void CheckEveryRankHasRows_RankWithoutLikedRows_NamesIt()
    {
        // 9 rows in blocks [0,3) [3,6) [6,9); liked rows only in the first and last.
        var error = Assert.Throws<ConfigurationException>(() => new RankPartition(0, 3).CheckEveryRankHasRows(9, [1, 7]));
        Assert.StartsWith("rank 1 of 3 would get no liked training rows", error.Message, StringComparison.Ordinal);
        new RankPartition(2, 3).CheckEveryRankHasRows(9, [1, 4, 7]);
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
