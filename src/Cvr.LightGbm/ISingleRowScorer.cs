namespace Cvr.LightGbm;

/// <summary>Scores one row per call with a booster's normal prediction (the probability of a binary model).</summary>
public interface ISingleRowScorer : IDisposable
{
    /// <summary>The row's width: the booster's feature count.</summary>
    int ColumnCount { get; }

    double Predict(ReadOnlySpan<float> row);
}
