using Cvr.Analysis;

namespace Cvr.Tests.Analysis;

public class MissingValuesTests
{
    private static ulong[] Mask(int rows, params int[] missing)
    {
        var mask = new ulong[(rows + 63) / 64];
        foreach (var r in missing) { mask[r >> 6] |= 1UL << (r & 63); }
        return mask;
    }

    [Fact]
    public void Jaccard_HandCounted()
    {
        // {1,2,3,4} vs {3,4,5}: 2 shared of 5 in either → 0.4.
        Assert.Equal(0.4, MissingValues.Jaccard(Mask(100, 1, 2, 3, 4), Mask(100, 3, 4, 5)), 12);
    }

    [Fact]
    public void Find_IdenticalAndNearlyIdenticalMasks_FormBlocks()
    {
        var block = Enumerable.Range(0, 100).ToArray();
        var masks = new List<(string, ulong[])>
        {
            ("f_43", Mask(200, block)),
            ("f_51", Mask(200, block)),
            // 99 of f_43's 100 rows: Jaccard 0.99, still the block.
            ("f_64", Mask(200, block[1..])),
            ("f_30", Mask(200, 150, 151, 152)),
            ("f_31", Mask(200, 150, 151, 152)),
            // Overlaps f_30 on 1 of 5 rows: alone.
            ("f_12", Mask(200, 152, 160, 161)),
        };
        var blocks = MissingValues.Find(masks, MissingValues.BlockJaccard);
        Assert.Equal(2, blocks.Count);
        Assert.Equal(["f_43", "f_51", "f_64"], blocks[0].Columns);
        Assert.Equal(0.99, blocks[0].MinJaccard, 12);
        Assert.Equal(["f_30", "f_31"], blocks[1].Columns);
        Assert.Equal(1.0, blocks[1].MinJaccard);
    }

    [Fact]
    public void Analyze_Frame_RatesPerSplitAndBlockShares()
    {
        // Days 1,1,1,2 → train = day 1 (3 rows), validation = day 2 (1 row).
        var frame = new TestFrameBuilder([1, 1, 1, 2])
            .Categorical("f_30", null, 0, null, null)
            .Categorical("f_31", null, 0, null, null)
            .Numeric("f_42", 1, 2, 3, 4)
            .Build();
        var layout = SplitLayout.Of(frame, null);
        var columns = DistributionBuilder.Build(layout, new ParallelOptions());
        var report = MissingValues.Analyze(layout, columns);
        Assert.Equal(["f_42"], report.NeverMissing);
        var f30 = report.Columns.Single(c => c.Column == "f_30");
        Assert.Equal(2 / 3.0, f30.RateBySplit["train"], 12);
        Assert.Equal(1.0, f30.RateBySplit["validation"]);
        var block = Assert.Single(report.Blocks);
        Assert.Equal(["f_30", "f_31"], block.Columns);
        Assert.Equal(2 / 3.0, block.AllMissingRateBySplit["train"], 12);
    }
}
