using Cvr.Analysis;
using Cvr.Data;

namespace Cvr.Tests.Analysis;

public class ShiftTests
{
    private static readonly string[] s_names = ["train", "test"];

    [Fact]
    public void Psi_TwoBins_HandComputed()
    {
        // (0.25−0.5)·ln(0.25/0.5) + (0.75−0.5)·ln(0.75/0.5) = 0.25·ln 2 + 0.25·ln 1.5 = 0.173287 + 0.101366 = 0.274653.
        Assert.Equal(0.274653, Shift.Psi([0.5, 0.5], [0.25, 0.75]), 6);
    }

    [Fact]
    public void Psi_EmptyBin_IsFlooredNotInfinite()
    {
        // (1e-4 − 0.5)·ln(1e-4/0.5) + (1 − 0.5)·ln(1/0.5) = 0.4999·8.517193 + 0.5·0.693147 = 4.257745 + 0.346574 = 4.604319.
        Assert.Equal(4.604319, Shift.Psi([0.5, 0.5], [0, 1]), 5);
        Assert.Equal(0, Shift.Psi([0.3, 0.7], [0.3, 0.7]));
    }

    [Fact]
    public void Ks_ShiftedByOne_HandComputed()
    {
        // a = {1,2,3}, b = {2,3,4} over the values 1..4: F_a = 1/3, 2/3, 1, 1; F_b = 0, 1/3, 2/3, 1 → sup = 1/3.
        Assert.Equal(1 / 3.0, Shift.Ks([1, 1, 1, 0], [0, 1, 1, 1])!.Value, 12);
        Assert.Null(Shift.Ks([1, 1], [0, 0]));
    }

    [Fact]
    public void Compare_Numeric_KsPsiAndUnseenFromTheDistribution()
    {
        // train {1,1,2,2}, test {2,2,3,NaN}: KS over 1,2,3: F_train = .5, 1, 1; F_test = 0, 2/3, 1 → 0.5.
        // Unseen: the value 3 (1 of 4 test rows) never occurs in train → 0.25.
        var column = ColumnDistribution.FromArrays("f_42", ColumnKind.Numeric, [1, 1, 2, 2], [2, 2, 3, double.NaN]);
        var score = Shift.Compare(column, 0, 1, s_names);
        Assert.Equal(0.5, score.Ks!.Value, 12);
        Assert.Equal(0.25, score.Unseen, 12);
        // Two decile bins of train ({1}, {2,3}) plus missing: train (.5,.5,0), test (0,.75,.25):
        // (1e-4−.5)ln(1e-4/.5) + (.75−.5)ln(.75/.5) + (.25−1e-4)ln(.25/1e-4)
        // = 0.4999·8.517193 + 0.25·0.405465 + 0.2499·7.824046 = 4.257745 + 0.101366 + 1.955229 = 6.314340.
        Assert.Equal(6.314340, score.Psi, 5);
        Assert.Equal("train", score.From);
    }

    [Fact]
    public void Compare_Categorical_UnseenShareAndNoKs()
    {
        // Test rows on ads 7, 7, 9 of which 9 was never in train: 1 of 3.
        var column = ColumnDistribution.FromArrays("f_6", ColumnKind.Categorical, [7, 8, 8], [7, 7, 9]);
        var score = Shift.Compare(column, 0, 1, s_names);
        Assert.Null(score.Ks);
        Assert.Equal(1 / 3.0, score.Unseen, 12);
    }

    [Fact]
    public void QuantileBins_TiesStayTogether()
    {
        // 90% of the rows on one value: it fills one bin however many deciles it spans.
        var bins = Shift.QuantileBins([90, 5, 5], 10);
        Assert.Equal([0, 1, 2], bins);
    }
}
