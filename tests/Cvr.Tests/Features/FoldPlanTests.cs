using Cvr.Features;

namespace Cvr.Tests.Features;

public class FoldPlanTests
{
    [Theory]
    [InlineData(257)]
    [InlineData(300)]
    [InlineData(1)]
    [InlineData(0)]
    public void New_FoldCountOutsideTwoTo256_Throws(int folds)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new FoldPlan(folds, 42));

    [Fact]
    public void Assign_256Folds_KeepsEveryRowsFold()
    {
        // The largest count a byte holds: every stored fold is the row's own, none wrapped.
        var plan = new FoldPlan(FoldPlan.MaxFolds, 42);
        var ids = Enumerable.Range(0, 5000).Select(i => (long)i * 7919).ToArray();
        var folds = plan.Assign(ids, null);
        Assert.Equal(ids.Select(plan.FoldOf), folds.Select(f => (int)f));
        Assert.Contains(folds, f => f == 255);
    }
}
