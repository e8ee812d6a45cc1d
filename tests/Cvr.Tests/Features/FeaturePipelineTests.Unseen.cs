using Cvr.Data;
using Cvr.Features;
using MathNet.Numerics.Distributions;

namespace Cvr.Tests.Features;

/// <summary>Rows whose categories the fit never saw (about 30% of the real test day's rows take this path).</summary>
public partial class FeaturePipelineTests
{
    private static readonly string[] s_encodedBase = ["f_4", "f_6", "f_13", "f_15"];

    /// <summary>(categorical A, numeric B, B's paper base or 0) of the default group statistics whose A is new in
    /// <see cref="Novelty.Unseen"/> rows.</summary>
    private static readonly (string Group, string Value, double Base)[] s_unseenGroups =
        [("f_13", "f_74", 0.03856407), ("f_4", "f_54", 0.03856407), ("f_6", "f_68", 0)];

    [Fact]
    public void Transform_UnseenCategory_GetsThePriorsStatistics()
    {
        var train = FeatureFrames.Default(3000, seed: 2);
        // Row i is Seen, Unseen or UnseenPair by i % 3.
        var test = FeatureFrames.Default(300, seed: 3, firstRowId: 10_001, day: 67, novelty: i => (Novelty)(i % 3));
        int[] RowsOf(Novelty n) => Enumerable.Range(0, test.RowCount).Where(r => (Novelty)(r % 3) == n).ToArray();
        var (seen, unseen, newPair) = (RowsOf(Novelty.Seen), RowsOf(Novelty.Unseen), RowsOf(Novelty.UnseenPair));

        // First, the data really reaches the case: values and pairs absent from every training row.
        foreach (var c in s_encodedBase)
        {
            var levels = train.Categorical(c).Levels.ToHashSet();
            Assert.All(unseen, r => Assert.DoesNotContain(test.Categorical(c).ValueAt(r)!.Value, levels));
            Assert.All(seen, r => Assert.Contains(test.Categorical(c).ValueAt(r) ?? 0, levels.Append(0)));
        }
        (int, int) PairOf(Frame f, int r) => (f.Categorical("f_4").ValueAt(r)!.Value, f.Categorical("f_6").ValueAt(r)!.Value);
        var trainPairs = Enumerable.Range(0, train.RowCount).Select(r => PairOf(train, r)).ToHashSet();
        Assert.All(unseen.Concat(newPair), r => Assert.DoesNotContain(PairOf(test, r), trainPairs));
        Assert.All(newPair, r => Assert.Contains(PairOf(test, r).Item1, train.Categorical("f_4").Levels));
        Assert.All(newPair, r => Assert.Contains(PairOf(test, r).Item2, train.Categorical("f_6").Levels));

        // A small N_min, so seen categories get their own posterior and can't pass for the prior.
        var config = new FeatureConfig { TargetEncoding = new TargetEncodingConfig { Columns = [.. s_encodedBase, "f_4@f_6"], MinCount = 5 } };
        var matrix = new FeaturePipeline(config).Fit(train).Transform(test);

        // Beta encodings: the paper's prior Beta(μ·N0, (1−μ)·N0), μ the training install rate and N0 the training
        // rows, its statistics from MathNet's Beta (median by its inverse CDF) and the excess kurtosis formula
        // (Wikipedia, "Beta distribution").
        var n0 = (double)train.RowCount;
        var mu = train.Label("is_installed").Values.Sum(v => (double)v) / n0;
        var (a, b) = (mu * n0, (1 - mu) * n0);
        var beta = new Beta(a, b);
        var prior = new Dictionary<string, double>
        {
            ["mean"] = beta.Mean, ["mode"] = beta.Mode, ["median"] = Beta.InvCDF(a, b, 0.5), ["variance"] = beta.Variance,
            ["skewness"] = beta.Skewness,
            ["kurtosis"] = 6 * ((a - b) * (a - b) * (a + b + 1) - a * b * (a + b + 2)) / (a * b * (a + b + 2) * (a + b + 3)),
        };
        foreach (var (c, rows) in s_encodedBase.Select(c => (c, unseen)).Append(("f_4@f_6", unseen.Concat(newPair).ToArray())))
        {
            foreach (var (stat, expected) in prior)
            {
                var column = matrix.Column($"te_is_installed_{c}_{stat}").ToArray();
                Assert.All(rows, r => AssertClose(expected, column[r], scale: 1e-9));
                // Seen categories get something else, so a prior handed to every row would fail above or here.
                Assert.Contains(seen, r => !IsClose(expected, column[r], scale: 1e-9));
            }
        }

        // Group statistics: a new group gets the statistics of all training rows (naive LINQ reference).
        foreach (var (group, value, baseValue) in s_unseenGroups)
        {
            double Clean(Frame f, int r)
            {
                var v = f.Numeric(value).Values[r];
                return float.IsNaN(v) ? 0 : baseValue > 0 ? Math.Round(v / baseValue) : v;
            }
            var all = Enumerable.Range(0, train.RowCount).Select(r => Clean(train, r)).Order().ToArray();
            var mean = all.Average();
            var median = all.Length % 2 == 1 ? all[all.Length / 2] : (all[all.Length / 2 - 1] + all[all.Length / 2]) / 2;
            var std = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
            foreach (var r in unseen)
            {
                var x = Clean(test, r);
                double[] expected =
                [
                    mean, median, std, all[^1], all[0], x / (mean + 1e-5), x / (median + 1e-5), x - mean, (x - mean) / (std + 1e-9),
                    median - mean, Math.Abs(median - mean), median / mean, std / mean,
                ];
                for (var s = 0; s < expected.Length; s++)
                {
                    AssertClose(expected[s], matrix.Column($"{value}_by_{group}_{FittedGroupStatistics.StatisticNames[s]}")[r], scale: 1);
                }
            }
            Assert.Contains(seen, r => !IsClose(mean, matrix.Column($"{value}_by_{group}_mean")[r], scale: 1));
        }

        // The cross: a pair not seen in fitting encodes to −1 (docs/features.md), a seen one to its code.
        var cross = matrix.Column("f_4@f_6").ToArray();
        Assert.All(unseen.Concat(newPair), r => Assert.Equal(FittedCross.Unseen, cross[r]));
        Assert.All(seen, r => Assert.True(cross[r] >= 0));
    }

    /// <summary>Within float32 rounding and a different summation order: 1e-5 of |expected| or of <paramref name="scale"/>.</summary>
    private static bool IsClose(double expected, float actual, double scale)
        => Math.Abs(expected - actual) <= 1e-5 * Math.Max(Math.Abs(expected), scale);

    private static void AssertClose(double expected, float actual, double scale)
        => Assert.True(IsClose(expected, actual, scale), $"expected {expected:R}, got {actual:R}");
}
