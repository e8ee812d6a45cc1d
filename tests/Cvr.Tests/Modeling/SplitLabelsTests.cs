using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Features;
using static Cvr.Tests.Features.RankThreads;

namespace Cvr.Tests.Modeling;

/// <summary>A rank's labels (<see cref="SplitLabels.ForRank"/>): its own block's, with every rank's liked positions
/// gathered, from a frame in which every other rank's training rows are garbled.</summary>
public class SplitLabelsTests
{
    private const int Rows = 2_000;

    [Theory]
    [InlineData(2, StageOneLabel.Like)]
    [InlineData(3, StageOneLabel.Installed)]
    public void ForRank_EveryRank_HasItsBlocksLabelsAndEveryLikedRow_WithoutReadingOtherRanksRows(int ranks, StageOneLabel stageOne)
    {
        var train = FeatureFrames.Default(Rows, seed: 37);
        var split = DaySplit.Of(train, 66);
        var whole = new SplitLabels(train, split, stageOne);
        var exchange = new MemoryExchange(ranks);

        var labels = RunRanks(ranks, r =>
        {
            var partition = new RankPartition(r, ranks);
            var block = partition.Block(split.TrainRows.Length);
            // Every row outside the block's rows garbled: the validation day's rows are kept (every rank holds them).
            var start = r == 0 ? 0 : split.TrainRows[block.Start];
            var end = block.End == split.TrainRows.Length ? Rows : split.TrainRows[block.End];
            var own = Garbled(train, start, end, keep: row => Array.BinarySearch(split.ValidationRows, row) >= 0);
            return (Block: block, Labels: SplitLabels.ForRank(own, split, stageOne, block, exchange.Of(r)));
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
