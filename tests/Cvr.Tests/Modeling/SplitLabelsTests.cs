using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Features;
using static Cvr.Tests.Features.RankThreads;

namespace Cvr.Tests.Modeling;

/// <summary>A rank's labels (<see cref="SplitLabels.ForRank"/>): its own block's, with every rank's liked positions
/// gathered, from a frame that holds no other rank's training row.</summary>
public class SplitLabelsTests
{
    private const int Rows = 2_000;

    [Theory]
    [InlineData(2, StageOneLabel.Like)]
    [InlineData(3, StageOneLabel.Installed)]
    public void ForRank_EveryRank_HasItsBlocksLabelsAndEveryLikedRow_WithoutOtherRanksRows(int ranks, StageOneLabel stageOne)
    {
        var train = FeatureFrames.Default(Rows, seed: 37);
        var split = DaySplit.Of(train, 66);
        var whole = new SplitLabels(train, split, stageOne);
        var exchange = new MemoryExchange(ranks);
        var frames = RankFrames.Of(train, ranks == 2 ? [1_111, Rows] : [400, 1_500, Rows], 66);

        var labels = RunRanks(ranks, r =>
        {
            var (frame, shards) = frames[r];
            var own = DaySplit.Of(frame, 66, shards);
            return (Block: own.Ranks!.Block, Labels: SplitLabels.ForRank(frame, own, stageOne, exchange.Of(r)));
        });

        foreach (var (block, rank) in labels)
        {
            Assert.Equal(whole.TrainLikedRows, rank.TrainLikedRows);
            Assert.Equal(whole.TrainInstalled[block.Start..block.End], rank.TrainInstalled);
            Assert.Equal(whole.TrainStageOne[block.Start..block.End], rank.TrainStageOne);
            Assert.Equal(whole.TrainClicked[block.Start..block.End], rank.TrainClicked);
            Assert.Equal(block.Start, rank.TrainOffset);
            Assert.True(rank.AnyTrainInstalled);
            Assert.Equal(whole.ValidInstalled, rank.ValidInstalled);
            Assert.Equal(whole.ValidLikedRows, rank.ValidLikedRows);
        }
    }
}
