using System.Text.Json.Serialization;
using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>
/// Weights of the validation day's rows (<see cref="TrainingOptions.WeightValidationNewAds"/>) that give its new-ad rows
/// — ads no training day has — the share new-ad rows have among the rows to be scored: ads no labelled day has,
/// known from the scored rows' ads alone, without their labels. Early stopping, the validation logloss, ω and a fitted
/// ensemble weight are then tuned to the mix of rows the models will face. A new-ad row weighs target share ÷
/// validation share, any other row (1 − target share) ÷ (1 − validation share): the weighted share of new-ad rows is
/// the target, and the weights average 1, so a weighted logloss is still a mean per row. A missing ad is never new
/// (<see cref="Workflow.NewAdRows"/>).
/// </summary>
public sealed record NewAdWeighting(
    [property: JsonPropertyName("validation_rows")] int ValidationRows,
    [property: JsonPropertyName("validation_new_ad_rows")] int ValidationNewAdRows,
    [property: JsonPropertyName("scored_rows")] int ScoredRows,
    [property: JsonPropertyName("scored_new_ad_rows")] int ScoredNewAdRows)
{
    /// <summary>The validation day's share of rows whose ad no training day has.</summary>
    [JsonIgnore] public double ValidationShare => (double)ValidationNewAdRows / ValidationRows;

    /// <summary>The scored rows' share of rows whose ad no labelled day has: what the weights aim at.</summary>
    [JsonIgnore] public double TargetShare => (double)ScoredNewAdRows / ScoredRows;

    /// <summary>Whether weights can give the validation day the target share: not when it has only one kind of row
    /// (no new-ad row, or nothing else) and the scored rows need some of the other kind, nor without scored rows.</summary>
    [JsonIgnore] public bool Reachable => ScoredRows > 0 && ValidationRows > 0
        && (ValidationNewAdRows > 0 || ScoredNewAdRows == 0)
        && (ValidationNewAdRows < ValidationRows || ScoredNewAdRows == ScoredRows);

    /// <summary>The weight of a validation row whose ad no training day has (1 when there are none).</summary>
    [JsonIgnore] public double NewWeight => ValidationNewAdRows == 0 ? 1 : TargetShare / ValidationShare;

    /// <summary>The weight of every other validation row (1 when there are none).</summary>
    [JsonIgnore] public double OldWeight => ValidationNewAdRows == ValidationRows ? 1 : (1 - TargetShare) / (1 - ValidationShare);

    /// <summary>One weight per validation row: <see cref="NewWeight"/> at <paramref name="newRows"/> (positions among
    /// the validation rows), <see cref="OldWeight"/> elsewhere.</summary>
    public double[] Weights(int[] newRows)
    {
        if (!Reachable) { throw new InvalidOperationException($"the target share {TargetShare} can't be reached on this validation day"); }
        var weights = new double[ValidationRows];
        Array.Fill(weights, OldWeight);
        foreach (var r in newRows) { weights[r] = NewWeight; }
        return weights;
    }

    /// <summary>
    /// The weighting of <paramref name="split"/>'s validation rows towards <paramref name="scored"/>'s share of new-ad
    /// rows, and the weights (null when <see cref="Reachable"/> is false: the rows then weigh alike). "New" on the
    /// validation day is relative to the split's training rows, on the scored rows to every row of <paramref name="train"/>
    /// (every labelled day), as the scored rows will meet them.
    /// </summary>
    /// <exception cref="ConfigurationException">No rows to score (the data has no test split), or no ad column.</exception>
    public static (NewAdWeighting Weighting, double[]? Weights) Of(Frame train, Frame? scored, DaySplit split)
    {
        Check(train, scored);
        train.TryGetCategorical(Workflow.AdColumn, out var ads);
        scored!.TryGetCategorical(Workflow.AdColumn, out var scoredAds);
        var validNew = Workflow.NewAdRows(ads!, Workflow.AdsOn(ads!, split.TrainRows), split.ValidationRows);
        var scoredNew = Workflow.NewAdRows(scoredAds!, Workflow.AdsOn(ads!, [.. Enumerable.Range(0, train.RowCount)]));
        var weighting = new NewAdWeighting(split.ValidationRows.Length, validNew.Length, scored.RowCount, scoredNew.Length);
        return (weighting, weighting.Reachable ? weighting.Weights(validNew) : null);
    }

    /// <summary>The option's needs, checked before any work: rows to score and an ad column in both frames.</summary>
    /// <exception cref="ConfigurationException">What is missing.</exception>
    public static void Check(Frame train, Frame? scored)
    {
        if (scored is null)
        {
            throw new ConfigurationException(OptionName,
                "weights the validation day to the new-ad share of the rows to be scored, and this data set has no test split to score: leave the option out or add test/");
        }
        if (!train.TryGetCategorical(Workflow.AdColumn, out _) || !scored.TryGetCategorical(Workflow.AdColumn, out _))
        {
            throw new ConfigurationException(OptionName, $"needs the ad column {Workflow.AdColumn} (categorical) in the training and the scored rows");
        }
    }

    /// <summary>For the log: the shares and the weights, or why the rows weigh alike.</summary>
    public string Describe() => Reachable
        ? $"validation weights: new-ad rows {ValidationShare:P1} of day's rows ({ValidationNewAdRows:N0} of {ValidationRows:N0}), {TargetShare:P1} of the rows to score ({ScoredNewAdRows:N0} of {ScoredRows:N0}): new-ad rows weigh {NewWeight:F4}, the others {OldWeight:F4}"
        : $"validation weights: skipped, the validation day's new-ad rows ({ValidationNewAdRows:N0} of {ValidationRows:N0}) can't be weighted to the rows to score's share ({ScoredNewAdRows:N0} of {ScoredRows:N0}); every validation row weighs 1";

    private const string OptionName = "weight_validation_new_ads";
}
