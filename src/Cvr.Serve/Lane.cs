using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;

namespace Cvr.Serve;

/// <summary>One scoring unit: one copy of the model's boosters (<see cref="ScoringSet"/>) with its row scorer, its
/// row explainer and a reusable row. A lane is rented to one request at a time (<see cref="LoadedModel.RentAsync"/>):
/// that is what keeps the scorer's buffers and the boosters' single-row state to one thread, with no other guard.</summary>
internal sealed class Lane : IDisposable
{
    private readonly int _validationDay;

    public Lane(ScoringModel model, ScoringSet scoring)
    {
        Scoring = scoring;
        _validationDay = model.ValidationDay;
        Scorer = new RowScorer(scoring);
        try
        {
            Explainer = new Explainer(scoring).CreateRowExplainer(Scorer);
        }
        catch
        {
            Scorer.Dispose();
            throw;
        }
        Row = Scorer.CreateRow();
    }

    /// <summary>This lane's boosters, with the model's shared pipeline and members.</summary>
    public ScoringSet Scoring { get; }

    public RowScorer Scorer { get; }

    /// <summary>Explains rows with this lane's boosters (LightGBM's own TreeSHAP, beside the scorer's compiled trees).</summary>
    public RowExplainer Explainer { get; }

    /// <summary>The row each instance is read into.</summary>
    public RawRow Row { get; }

    /// <summary>Scores one row of the validation day with every input missing: the boosters and the feature path
    /// work before the model takes traffic.</summary>
    public void SelfCheck()
    {
        Row.Clear();
        Row.SetInteger(Scorer.Features.Schema.IndexOf(Schema.DayColumn), _validationDay);
        var p = Scorer.Score(Row);
        if (!double.IsFinite(p.Installed) || p.Installed is < 0 or > 1)
        {
            throw new ModelBundleException($"the bundle scored {p.Installed} for a test row (expected a probability)");
        }
    }

    /// <summary>Disposes the scorer and explainer; the boosters belong to the <see cref="ScoringModel"/>.</summary>
    public void Dispose()
    {
        Explainer.Dispose();
        Scorer.Dispose();
    }
}
