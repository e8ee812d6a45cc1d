using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Features;
using static Cvr.Tests.Features.RankThreads;

namespace Cvr.Tests.Modeling;

/// <summary>LightGBM's bin sample gathered across ranks (<see cref="RankSample"/>): every rank ends with the sample's
/// matrix one machine computes, each having computed only its own block's rows.</summary>
public class RankSampleTests
{
    private const int Rows = 2_000;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Gather_EveryRank_HoldsOneMachinesSample_FromItsOwnBlockOnly(int ranks)
    {
        var train = FeatureFrames.Default(Rows, seed: 36);
        int[] rows = [.. Enumerable.Range(0, Rows).Where(r => r % 7 != 3)];
        var pipeline = new FeaturePipeline(ShardedFitTests.Config("every_step")) { StatisticsSliceRows = 97 };
        var whole = pipeline.FitForTraining(train, rows);
        // A sample in no particular order, as the liked rows' sample maps to training positions.
        var random = new Random(5);
        int[] sample = [.. Enumerable.Range(0, rows.Length).Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next())];
        var expected = whole.Transform(sample).Data;
        var exchange = new MemoryExchange(ranks);

        var gathered = RunRanks(ranks, r =>
        {
            var partition = new RankPartition(r, ranks);
            var ends = partition.FrameShardEnds(rows, Rows);
            var own = Garbled(train, r == 0 ? 0 : ends[r - 1], ends[r]);
            var fit = pipeline.FitForTraining(own, rows, null, null, new RankFit(r, ends, exchange.Of(r)));
            var (start, end) = partition.Block(rows.Length);
            return RankSample.Gather(sample, rows.Length, partition, positions =>
            {
                foreach (var p in positions) { Assert.InRange(p, start, end - 1); } // only this rank's rows
                return fit.Transform(positions);
            }, exchange.Of(r), "sample").Data;
        });

        Assert.All(gathered, data => Assert.Equal(expected, data));
    }

    [Fact]
    public void Gather_ARankSendingOtherRows_IsRefusedNamingIt()
    {
        var exchange = new MemoryExchange(2, damage: payload => PartialFormat.Serialise(w => { w.Write(1); w.WriteArray<float>(new float[] { 1f }); }));
        int[] sample = [0, 5, 9];

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => RankSample.Gather(sample, 10, new RankPartition(r, 2),
            positions => Matrix(positions.Length), exchange.Of(r), "sample")));

        Assert.Contains(e.InnerExceptions, x => x is InvalidDataException && x.Message.Contains("rank 1's sample", StringComparison.Ordinal)
            && x.Message.Contains("1 rows, where its block holds 2 of the 3 sampled", StringComparison.Ordinal));
    }

    private static FeatureMatrix Matrix(int rows)
    {
        var m = new FeatureMatrix(["a"], rows);
        m.Data.AsSpan().Fill(2f);
        return m;
    }
}
