using Cvr.Analysis;

namespace Cvr.Tests.Analysis;

public class DependenceTests
{
    [Fact]
    public void Lambda_FunctionOfTheGroup_IsOne()
        => Assert.Equal(1.0, Dependence.Lambda([1, 1, 2, 2, 3], [10, 10, 20, 20, 10]));

    [Fact]
    public void Lambda_HandComputed()
    {
        // Groups A={x,x,y}, B={y,y,x}; overall mode count 3 of 6 (x or y).
        // By group: 2 + 2 = 4 correct. λ = (4 − 3) / (6 − 3) = 1/3.
        Assert.Equal(1 / 3.0, Dependence.Lambda([0, 0, 0, 1, 1, 1], [5, 5, 6, 6, 6, 5]), 12);
    }

    [Fact]
    public void Lambda_MostlyZerosEverywhere_IsZeroNotHigh()
    {
        // 9 zeros and one 1 in each group: the group mode (0) is the overall mode: no help, λ = 0.
        var groups = Enumerable.Range(0, 40).Select(i => i / 10).ToArray();
        var values = Enumerable.Range(0, 40).Select(i => i % 10 == 0 ? 1L : 0L).ToArray();
        Assert.Equal(0, Dependence.Lambda(groups, values));
        Assert.True(double.IsNaN(Dependence.Lambda([0, 1], [3, 3])));
    }

    [Fact]
    public void EtaSquared_HandComputed()
    {
        // On t = ln(1+v): group 0 holds v = e−1, e−1 (t = 1, 1); group 1 holds v = e³−1, e−1 (t = 3, 1).
        // Mean 1.5; total SS = 3·0.25 + 2.25 = 3; group means 1 and 2: between SS = 2·0.25 + 2·0.25 = 1 → η² = 1/3.
        var e = Math.E;
        float[] values = [(float)(e - 1), (float)(e - 1), (float)(e * e * e - 1), (float)(e - 1)];
        Assert.Equal(1 / 3.0, Dependence.EtaSquared([0, 0, 1, 1], 2, values), 5);
        Assert.Equal(1.0, Dependence.EtaSquared([0, 0, 1, 1], 2, [1, 1, 5, 5]), 12);
    }

    [Fact]
    public void SampleRows_EvenlySpacedAndBounded()
    {
        Assert.Equal([0, 3, 6, 9], Dependence.SampleRows(10, 4));
        Assert.Equal(5, Dependence.SampleRows(5, 100).Length);
    }
}
