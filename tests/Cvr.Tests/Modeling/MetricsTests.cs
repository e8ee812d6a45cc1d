using Cvr.Modeling;

namespace Cvr.Tests.Modeling;

public class MetricsTests
{
    [Fact]
    public void LogLossAndNce_MatchHandComputedValues()
    {
        // y = [1, 0, 1, 0], p = [0.8, 0.3, 0.6, 0.1]:
        // logloss = −(ln 0.8 + ln 0.7 + ln 0.6 + ln 0.9)/4 = 0.26116...; mean label 0.5 → H = ln 2.
        byte[] y = [1, 0, 1, 0];
        double[] p = [0.8, 0.3, 0.6, 0.1];
        var expected = -(Math.Log(0.8) + Math.Log(0.7) + Math.Log(0.6) + Math.Log(0.9)) / 4;
        Assert.Equal(expected, Metrics.LogLoss(y, p), 12);
        Assert.Equal(expected / Math.Log(2), Metrics.NormalizedCrossEntropy(y, p), 12);
        Assert.Equal((0.8 + 0.3 + 0.6 + 0.1) / 4 / 0.5, Metrics.CalibrationRatio(y, p), 12);
    }

    [Fact]
    public void LogLoss_Weighted_MatchesHandComputedValue()
    {
        // y = [1, 0, 1], p = [0.8, 0.3, 0.6], w = [2, 1, 0.5]:
        // −(2 ln 0.8 + ln 0.7 + 0.5 ln 0.6) / 3.5 = (0.446287 + 0.356675 + 0.255413) / 3.5 = 0.302393...
        byte[] y = [1, 0, 1];
        double[] p = [0.8, 0.3, 0.6];
        Assert.Equal(0.3023928, Metrics.LogLoss(y, p, [2, 1, 0.5]), 6);
        Assert.Equal(-(2 * Math.Log(0.8) + Math.Log(0.7) + 0.5 * Math.Log(0.6)) / 3.5, Metrics.LogLoss(y, p, [2, 1, 0.5]), 12);
        Assert.Equal(Metrics.LogLoss(y, p), Metrics.LogLoss(y, p, [1, 1, 1]), 12);
        Assert.Equal(Metrics.LogLoss(y, p), Metrics.LogLoss(y, p, null)); // null: the unweighted bits
    }

    [Fact]
    public void Omega_Weighted_IsTheWeightedRateOverTheWeightedMeanPrediction()
    {
        // y = [1, 0, 0, 1], p = [0.5, 0.2, 0.1, 0.4], w = [1, 2, 3, 0.5]:
        // weighted installs 1 + 0.5 = 1.5, weighted predictions 0.5 + 0.4 + 0.3 + 0.2 = 1.4 → ω = 1.5 / 1.4 = 1.0714...
        // (unweighted: rate 0.5 over mean 0.3 = 1.6667).
        byte[] y = [1, 0, 0, 1];
        double[] p = [0.5, 0.2, 0.1, 0.4];
        Assert.Equal(1.5 / 1.4, Calibration.Omega(y, p, [1, 2, 3, 0.5]), 12);
        Assert.Equal(0.5 / 0.3, Calibration.Omega(y, p, [1, 1, 1, 1]), 12);
        Assert.Equal(Calibration.Omega(y, p), Calibration.Omega(y, p, null));
    }

    [Fact]
    public void LogLoss_CertainMistake_IsLargeButFinite()
        => Assert.True(double.IsFinite(Metrics.LogLoss([1], [0.0])) && Metrics.LogLoss([1], [0.0]) > 30);

    [Fact]
    public void Auc_EqualsTheShareOfCorrectlyOrderedPairs()
    {
        // Independent definition: over all (positive, negative) pairs, 1 if ordered right, 0.5 for a tie.
        var random = new Random(3);
        var y = Enumerable.Range(0, 400).Select(_ => (byte)(random.NextDouble() < 0.3 ? 1 : 0)).ToArray();
        var p = y.Select(v => Math.Round(random.NextDouble() * 0.6 + v * 0.3, 2)).ToArray(); // rounding makes ties
        double pairs = 0, score = 0;
        for (var i = 0; i < y.Length; i++)
        {
            for (var j = 0; j < y.Length; j++)
            {
                if (y[i] == 1 && y[j] == 0)
                {
                    pairs++;
                    score += p[i] > p[j] ? 1 : p[i] == p[j] ? 0.5 : 0;
                }
            }
        }
        Assert.Equal(score / pairs, Metrics.Auc(y, p), 12);
    }

    [Fact]
    public void Auc_OneClassOnly_IsNaN() => Assert.True(double.IsNaN(Metrics.Auc([1, 1], [0.2, 0.4])));

    [Fact]
    public void CapturedShare_TruthScoresOneConstantScoresZero()
    {
        Assert.Equal(1, Metrics.CapturedShare(0.46, 0.38, 0.38), 12);
        Assert.Equal(0, Metrics.CapturedShare(0.46, 0.46, 0.38), 12);
        Assert.Equal(0.5, Metrics.CapturedShare(0.46, 0.42, 0.38), 12);
    }

    [Fact]
    public void Calibration_ScalesTheOddsByOmega()
    {
        // p' = p / (p + (1 − p)/ω): ω = 1 is the identity, and the odds scale by ω exactly.
        Assert.Equal(0.3, Calibration.Apply(0.3, 1), 15);
        var p = 0.2;
        var omega = 1.7;
        var calibrated = Calibration.Apply(p, omega);
        Assert.Equal(omega * p / (1 - p), calibrated / (1 - calibrated), 12);
        byte[] y = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0];
        double[] predictions = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3];
        Assert.Equal(0.2 / 0.3, Calibration.Omega(y, predictions), 12);
        // Odds scaling is not a shift of the mean: 0.3 → 0.3/(0.3 + 0.7·1.5) = 0.2222, nearer the rate 0.2 than 0.3.
        Assert.Equal(0.3 / 1.35, Calibration.Apply(predictions, Calibration.Omega(y, predictions)).Average(), 12);
    }

    [Fact]
    public void Ensemble_FitWeight_PrefersTheBetterModel()
    {
        var random = new Random(5);
        var truth = Enumerable.Range(0, 2000).Select(_ => random.NextDouble() * 0.6 + 0.05).ToArray();
        var y = truth.Select(t => (byte)(random.NextDouble() < t ? 1 : 0)).ToArray();
        var good = truth.Select(t => Math.Clamp(t + (random.NextDouble() - 0.5) * 0.05, 0.01, 0.99)).ToArray();
        var bad = truth.Select(_ => 0.3).ToArray();
        Assert.True(Ensemble.FitWeight(y, good, bad) > 0.8);
        Assert.Equal([0.5 * 0.2 + 0.5 * 0.4], Ensemble.Blend([0.2], [0.4], 0.5));
    }

    [Fact]
    public void Ensemble_FitWeights_ThreeMembers_OnTheSimplex_MatchesTwoMemberFit_AndFavoursTheInformativeOnes()
    {
        var random = new Random(6);
        var truth = Enumerable.Range(0, 3000).Select(_ => random.NextDouble() * 0.6 + 0.05).ToArray();
        var y = truth.Select(t => (byte)(random.NextDouble() < t ? 1 : 0)).ToArray();
        double[] Noisy(double noise) => truth.Select(t => Math.Clamp(t + (random.NextDouble() - 0.5) * noise, 0.01, 0.99)).ToArray();
        var (a, b, constant) = (Noisy(0.3), Noisy(0.3), truth.Select(_ => 0.3).ToArray());

        var weights = Ensemble.FitWeights(y, [a, b, constant]);

        Assert.All(weights, w => Assert.InRange(w, 0, 1));
        Assert.Equal(1, weights.Sum(), 1e-9);
        Assert.True(weights[2] < 0.2, $"the constant got {weights[2]}");
        // Independent noise: averaging the two informative members beats either alone.
        Assert.InRange(weights[0], 0.25, 0.75);
        // With two members the simplex search is the 1-D grid search.
        var two = Ensemble.FitWeights(y, [a, b]);
        Assert.Equal(Ensemble.FitWeight(y, a, b), two[0], 12);
        var (blend, mix) = (Ensemble.Blend(a, b, two[0]), Ensemble.Mix([a, b], two));
        for (var i = 0; i < blend.Length; i++) { Assert.Equal(blend[i], mix[i], 12); }
    }
}
