using Cvr.Features;

namespace Cvr.Tests.Features;

public class FittedCrossTests
{
    /// <summary>Pairs whose halves XOR to the same value (two columns holding the same ids) all had one hash code
    /// under long.GetHashCode, so a cross of n of them cost O(n²) to fit and to look up.</summary>
    [Fact]
    public void PairComparer_EqualKeys_SpreadOverHashCodes()
    {
        var fit = FittedCross.Fit("f_4", "f_6", [.. Enumerable.Range(0, 10_000)], [.. Enumerable.Range(0, 10_000)]);
        var packed = fit.Pairs;
        Assert.Single(packed.Select(p => p.GetHashCode()).Distinct()); // the collision the comparer avoids
        Assert.True(packed.Select(FittedCross.PairComparer.Instance.GetHashCode).Distinct().Count() > 9_900);
    }

    [Fact]
    public void Code_EqualKeys_EachPairItsOwnCodeInPairOrder()
    {
        var keys = Enumerable.Range(-500, 1_000).Select(k => k * 7919).ToArray();
        var fit = FittedCross.Fit("f_4", "f_6", keys, keys);
        Assert.Equal(Enumerable.Range(0, 1_000), keys.Select(k => fit.Code(k, k)));
        Assert.Equal(FittedCross.Unseen, fit.Code(1, 2));
    }
}
