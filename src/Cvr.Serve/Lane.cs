using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using Cvr.Modeling.Explaining;

namespace Cvr.Serve;

/// <summary>One scoring unit: a copy of the bundle's boosters with its row scorer, its row explainer and a reusable row.</summary>
internal sealed class Lane : IDisposable
{
    private readonly TrainedSystem _system;

    public Lane(TrainedSystem system)
    {
        _system = system;
        Scorer = new RowScorer(system);
        Explainer = new Explainer(system).CreateRowExplainer(Scorer);
        Row = Scorer.CreateRow();
    }

    public RowScorer Scorer { get; }

    /// <summary>Explains rows with this lane's boosters (LightGBM's own TreeSHAP, beside the scorer's compiled trees).</summary>
    public RowExplainer Explainer { get; }

    /// <summary>The row each instance is read into (a lane serves one request at a time).</summary>
    public RawRow Row { get; }

    /// <summary>Scores one row of the validation day with every input missing: the boosters and the feature path
    /// work before the model takes traffic.</summary>
    public void SelfCheck()
    {
        Row.Clear();
        Row.SetInteger(Scorer.Features.Schema.IndexOf(Schema.DayColumn), _system.Split.ValidationDay);
        var p = Scorer.Score(Row);
        if (!double.IsFinite(p.Installed) || p.Installed is < 0 or > 1)
        {
            throw new ModelBundleException($"the bundle scored {p.Installed} for a test row (expected a probability)");
        }
    }

    public void Dispose()
    {
        Explainer.Dispose();
        Scorer.Dispose();
        _system.Dispose();
    }
}
