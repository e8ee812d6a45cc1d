using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Features;
using static Cvr.Tests.Features.RankThreads;

namespace Cvr.Tests.Modeling;

/// <summary>LightGBM's bin sample gathered across ranks (<see cref="RankSample"/>): every rank ends with the sample's
/// matrix one machine computes, each having computed only its own rows, from a frame that holds no other rank's
/// training row.</summary>
public class RankSampleTests
{
    private const int Rows = 2_000;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Gather_EveryRank_HoldsOneMachinesSample_FromItsOwnRowsOnly(int ranks)
    {
        var train = FeatureFrames.Default(Rows, seed: 36);
        var one = DaySplit.Of(train, null);
        var pipeline = new FeaturePipeline(ShardedFitTests.Config("every_step")) { StatisticsSliceRows = 97 };
        var whole = pipeline.FitForTraining(train, one.TrainRows);
        // A sample in no particular order, as the liked rows' sample maps to training positions.
        var random = new Random(5);
        int[] sample = [.. Enumerable.Range(0, one.TrainRows.Length).Where(_ => random.Next(3) == 0).OrderBy(_ => random.Next())];
        var expected = whole.Transform(sample).Data;
        var exchange = new MemoryExchange(ranks);
        var frames = RankFrames.Of(train, ranks == 2 ? [777, Rows] : [500, 1_201, Rows], 66);

        var gathered = RunRanks(ranks, r =>
        {
            var (frame, shards) = frames[r];
            var split = DaySplit.Of(frame, null, shards);
            var ranked = split.Ranks!;
            var fit = pipeline.FitForTraining(frame, split.TrainRows, null, null,
                new RankFit(r, shards.FrameEnds(frame.RowCount), exchange.Of(r)) { FittingOffset = ranked.Offset, FittingTotal = ranked.Total });
            var (start, end) = ranked.Block;
            return RankSample.Gather(sample, ranked, positions =>
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

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => RankSample.Gather(sample, new RankRows(r, [5, 10]),
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
