using Cvr.Analysis;

namespace Cvr.Tests.Analysis;

public class DuplicatesTests
{
    [Fact]
    public void Count_HandMadeFrame_DuplicatesGroupsAndConflictsPerSplit()
    {
        // Rows (day, f_2, f_42 | clicked, installed):
        // 0 (45, 1, 0.5 | 0,0)  1 (45, 1, 0.5 | 1,0)  2 (45, 1, 0.5 | 0,1)  → one group of 3: 2 duplicates, installs disagree: 1 conflict
        // 3 (45, 2, 0.5 | 0,0)  4 (45, 2, 0.5 | 1,0)                       → 1 duplicate, same install (is_clicked ignored): no conflict
        // 5 (45, 2, NaN | 0,0)  6 (45, 2, NaN | 0,1)                       → 1 duplicate (missing equals missing), conflict
        // 7 (46, 2, 0.5 | 0,0)                                             → row 3's features on another day: not a duplicate
        // 8 (46, 3, 0.7 | 0,0)  9 (46, 3, 0.7 | 0,1)                       → day 46 is the validation split: 1 duplicate, 1 conflict
        int[] days = [45, 45, 45, 45, 45, 45, 45, 46, 46, 46];
        var frame = new TestFrameBuilder(days)
            .Categorical("f_2", 1, 1, 1, 2, 2, 2, 2, 2, 3, 3)
            .Numeric("f_42", 0.5, 0.5, 0.5, 0.5, 0.5, double.NaN, double.NaN, 0.5, 0.7, 0.7)
            .Labels([0, 1, 0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, 1, 0, 0, 1])
            .Build();
        var layout = SplitLayout.Of(frame, null);
        var splits = Duplicates.Count(frame, layout.TrainSplitOfRow, 0, layout.Names, new ParallelOptions()).ToArray();
        var train = splits.Single(s => s.Split == "train");
        Assert.Equal((7L, 4L, 3L, 2L), (train.Rows, train.Duplicates, train.Groups, train.Conflicts!.Value));
        var validation = splits.Single(s => s.Split == "validation");
        Assert.Equal((3L, 1L, 1L, 1L), (validation.Rows, validation.Duplicates, validation.Groups, validation.Conflicts!.Value));
        Assert.Equal(20_017, train.PaperDuplicates);
    }

    [Fact]
    public void Count_NoLabels_ConflictsAreNull()
    {
        var frame = new TestFrameBuilder([67, 67, 67]).Categorical("f_2", 1, 1, 2).Build();
        var split = Assert.Single(Duplicates.Count(frame, null, 2, ["train", "validation", "test"], new ParallelOptions()));
        Assert.Equal("test", split.Split);
        Assert.Equal(1, split.Duplicates);
        Assert.Null(split.Conflicts);
    }
}
