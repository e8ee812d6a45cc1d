using Cvr.Reporting;

namespace Cvr.Tests.Reporting;

public class ReliabilityTests
{
    [Fact]
    public void Curve_EqualCountBins_MeanPredictionObservedRateAndEce()
    {
        // 100 rows predicted 0.1 (20 installs) and 100 predicted 0.5 (30 installs): two bins of 50 rows would mix
        // nothing, so with MinBinRows 50 there are 4 bins: 0.1/0.1/0.5/0.5 predicted.
        var predicted = Enumerable.Repeat(0.1, 100).Concat(Enumerable.Repeat(0.5, 100)).ToArray();
        var installed = new byte[200];
        for (var i = 0; i < 20; i++) { installed[i * 5] = 1; }
        for (var i = 0; i < 30; i++) { installed[100 + i * 3] = 1; }
        var curve = TrainingReportBuilder.Curve("m", calibrated: false, installed, predicted);
        Assert.Equal(4, curve.Bins.Count);
        Assert.All(curve.Bins, b => Assert.Equal(50, b.Rows));
        Assert.Equal([0.1, 0.1, 0.5, 0.5], curve.Bins.Select(b => Math.Round(b.MeanPredicted, 12)));
        Assert.Equal(0.2, curve.Bins.Take(2).Average(b => b.ObservedRate), 12);
        Assert.Equal(0.3, curve.Bins.Skip(2).Average(b => b.ObservedRate), 12);
        // Below 0.1 by 0.1 on half the rows and above 0.5 by 0.2 on the other half: ECE = (0.1 + 0.2) / 2 when each
        // half's bins agree on the rate (they need not: the ECE is at least that).
        Assert.True(curve.Ece >= 0.15 - 1e-12, $"ECE {curve.Ece}");
        Assert.Equal((0.1 * 100 + 0.5 * 100) / 200 / 0.25, curve.CalibrationRatio, 12);
    }

    [Fact]
    public void Curve_PerfectlyCalibratedBins_HaveZeroEce()
    {
        // 8 bins of 50 rows; bin b predicts (5b + 5) / 50 (plus a sliver that fixes the order) and has 5b + 5 installs.
        var predicted = new double[400];
        var installed = new byte[400];
        for (var i = 0; i < 400; i++)
        {
            var (b, k) = (i / 50, i % 50);
            predicted[i] = (5.0 * b + 5) / 50 + i * 1e-12;
            installed[i] = (byte)(k < 5 * b + 5 ? 1 : 0);
        }
        var curve = TrainingReportBuilder.Curve("m", calibrated: true, installed, predicted);
        Assert.Equal(8, curve.Bins.Count);
        Assert.Equal(0, curve.Ece, 9);
        Assert.Equal(1, curve.CalibrationRatio, 9);
    }

    [Fact]
    public void Spaced_KeepsAtMostCountRowsEvenlyInOrder()
    {
        int[] rows = [.. Enumerable.Range(0, 10).Select(i => i * 3)];
        Assert.Equal(rows, TrainingReportBuilder.Spaced(rows, 20));
        Assert.Equal([0, 6, 15, 21], TrainingReportBuilder.Spaced(rows, 4));
    }
}
