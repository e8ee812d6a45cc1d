using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

internal sealed partial class World
{
    /// <summary>Rows drawn to solve the intercepts; enough for rates within ~0.2 percentage points.</summary>
    private const int CalibrationRows = 60_000;
    private const int BisectionSteps = 60;

    /// <summary>
    /// Solves the three intercepts on a fixed sample of train-day rows (its own random stream, independent of the
    /// scale) so that like rate, install rate and P(click | install) match data-format.md's joint label table.
    /// </summary>
    private void Calibrate()
    {
        var rng = new Xoshiro256(Seed, Streams.Calibration);
        var sampler = new RowSampler(this);
        var row = new Row();
        var zLike = new double[CalibrationRows];
        var zInstall = new double[CalibrationRows];
        var zClick = new double[CalibrationRows];
        for (int i = 0; i < CalibrationRows; i++)
        {
            sampler.Sample(row, TrainDayByShare(rng.NextDouble()), ref rng);
            Story.Logits(this, row, out zLike[i], out zInstall[i], out zClick[i]);
        }

        var pLike = new double[CalibrationRows];
        LikeIntercept = Solve(b => Mean(zLike, null, b), RealData.LikeRate);
        for (int i = 0; i < CalibrationRows; i++) pLike[i] = Story.Sigmoid(LikeIntercept + zLike[i]);
        InstallIntercept = Solve(b => Mean(zInstall, pLike, b) * pLike.Average(), RealData.InstallRate);

        var pInstalled = new double[CalibrationRows];
        for (int i = 0; i < CalibrationRows; i++) pInstalled[i] = pLike[i] * Story.Sigmoid(InstallIntercept + zInstall[i]);
        ClickIntercept = Solve(b => Mean(zClick, pInstalled, b), RealData.ClickGivenInstall);
    }

    /// <summary>Weighted mean of sigmoid(b + z) (weights null = 1).</summary>
    private static double Mean(double[] z, double[]? weights, double b)
    {
        double sum = 0, total = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double w = weights?[i] ?? 1;
            sum += w * Story.Sigmoid(b + z[i]);
            total += w;
        }
        return sum / total;
    }

    /// <summary>Bisection for the increasing function f(b) = target.</summary>
    private static double Solve(Func<double, double> f, double target)
    {
        double lo = -20, hi = 20;
        for (int i = 0; i < BisectionSteps; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (f(mid) < target) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    private static int TrainDayByShare(double u)
    {
        double target = u * RealData.TrainRows, sum = 0;
        for (int k = 0; k < RealData.TrainRowsPerDay.Length; k++)
        {
            sum += RealData.TrainRowsPerDay[k];
            if (target < sum) return RealData.FirstTrainDay + k;
        }
        return RealData.LastTrainDay;
    }
}
