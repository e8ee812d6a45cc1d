using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>A booster's probabilities for the rows of a (column-major) feature matrix, at its best iteration: what
/// training (validation-day predictions), scoring and explaining all ask of a booster, in one place.</summary>
internal static class FeatureMatrixScoring
{
    /// <param name="threads">LightGBM's threads for this call; null: the process's cap. The probabilities don't depend on it.</param>
    public static double[] Predict(this Booster booster, FeatureMatrix features, int? threads = null)
        => booster.Predict(features.Data, features.Rows, layout: MatrixLayout.ColumnMajor, threads: threads ?? 0);
}
