using Cvr.Data;
using Cvr.LightGbm;

namespace Cvr.Modeling.Explaining;

/// <summary>
/// Explains a <see cref="ScoringSet"/>'s scores with LightGBM's own TreeSHAP (<see cref="PredictionKind.Contributions"/>,
/// not the compiled trees serving uses): per booster in raw-score space, and for the served probability through
/// <see cref="ServedAttributor"/>. A batch of rows (<see cref="Explain"/>, <c>cvr explain</c>) and one row at a time
/// (<see cref="CreateRowExplainer"/>, <c>cvr serve</c>) go through the same <see cref="Assemble"/> on the same
/// numbers, so both give the same bits.
/// </summary>
public sealed class Explainer
{
    /// <summary>Rows explained per batch call: bounds the contributions held at once (rows × features × boosters).</summary>
    public const int ChunkRows = 4096;

    private readonly ScoringSet _scoring;
    private readonly ParallelOptions? _parallel;
    private readonly ServedAttributor? _attributor;

    /// <summary>Explains a trained system's scores, transforming batches with its options' parallelism.</summary>
    public Explainer(TrainedSystem system) : this(system.Scoring, system.Options.Parallel)
    {
    }

    /// <param name="scoring">The features, boosters and ensemble explained.</param>
    /// <param name="parallel">The features' parallelism for a batch (<see cref="Explain"/>); null: all cores.</param>
    public Explainer(ScoringSet scoring, ParallelOptions? parallel = null)
    {
        _scoring = scoring;
        _parallel = parallel;
        BoosterNames = [ModelNames.Like, ModelNames.Install, ModelNames.EndToEnd, .. scoring.HasClickModel ? [ModelNames.Click] : Array.Empty<string>()];
        var links = new[] { ModelNames.Like, ModelNames.Install, ModelNames.EndToEnd }.Select(name => (Name: name, Link: BinaryLink.Of(scoring.Boosters[name]))).ToArray();
        // A bundle trained with another objective (--params) still scores and serves; it is only not explained.
        var other = Array.Find(links, l => l.Link is null).Name;
        Unexplainable = other is null ? null : $"model {other} was not trained with the binary objective: its probability can't be attributed";
        _attributor = other is null ? new ServedAttributor(scoring, links[0].Link!, links[1].Link!, links[2].Link!) : null;
    }

    /// <summary>Why this system's scores can't be explained (a booster of the served probability without the binary
    /// objective's link), or null when they can.</summary>
    public string? Unexplainable { get; }

    /// <summary>The boosters explained, in output order: like, install, e2e (and click).</summary>
    public IReadOnlyList<string> BoosterNames { get; }

    /// <summary>The model inputs, in matrix order: what each contribution is indexed by.</summary>
    public IReadOnlyList<string> FeatureNames => _scoring.Pipeline.FeatureNames;

    /// <summary>Names of the ensemble members reported as one unexplained term each.</summary>
    public IReadOnlyList<string> UnexplainedMembers => [.. _scoring.Members.Select(m => m.Model.Name)];

    /// <summary>Explains rows of a frame (positions into it), in order, <see cref="ChunkRows"/> at a time.</summary>
    /// <param name="threads">LightGBM's threads (null: all cores); the numbers do not depend on it.</param>
    public IEnumerable<RowExplanation> Explain(Frame frame, int[] rows, int? threads)
    {
        for (var start = 0; start < rows.Length; start += ChunkRows)
        {
            var chunk = rows[start..Math.Min(rows.Length, start + ChunkRows)];
            foreach (var row in ExplainChunk(frame, chunk, threads)) { yield return row; }
        }
    }

    private RowExplanation[] ExplainChunk(Frame frame, int[] rows, int? threads)
    {
        var features = _scoring.Pipeline.Transform(frame, rows, _parallel);
        var n = features.Rows;
        var width = features.Columns + 1;
        var probabilities = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var contributions = new double[BoosterNames.Count][];
        var raw = new double[BoosterNames.Count][];
        for (var b = 0; b < BoosterNames.Count; b++)
        {
            var booster = _scoring.Boosters[BoosterNames[b]];
            contributions[b] = booster.Predict(features.Data, n, PredictionKind.Contributions, layout: MatrixLayout.ColumnMajor, threads: threads ?? 0);
            raw[b] = booster.Predict(features.Data, n, PredictionKind.RawScore, layout: MatrixLayout.ColumnMajor, threads: threads ?? 0);
            probabilities[BoosterNames[b]] = booster.Predict(features, threads);
        }
        foreach (var member in _scoring.Members)
        {
            probabilities[member.Model.Name] = member.Model.PredictInstall(frame, rows, features);
        }
        var rowIds = rows.Select(r => frame.RowIds[r]).ToArray();
        var scores = _scoring.Combine(rowIds, probabilities);
        var result = new RowExplanation[n];
        var memberValues = new double[_scoring.Members.Count];
        var rowContributions = new ReadOnlyMemory<double>[BoosterNames.Count];
        var rowRaw = new double[BoosterNames.Count];
        for (var i = 0; i < n; i++)
        {
            var inputs = new float[features.Columns];
            for (var j = 0; j < inputs.Length; j++) { inputs[j] = features.Data[j * n + i]; }
            for (var b = 0; b < rowContributions.Length; b++)
            {
                rowContributions[b] = contributions[b].AsMemory(i * width, width);
                rowRaw[b] = raw[b][i];
            }
            for (var m = 0; m < memberValues.Length; m++) { memberValues[m] = scores.Members[m].Calibrated[i]; }
            var prediction = new RowPrediction(scores.Ensemble[i], scores.Click?[i] ?? 0);
            result[i] = Assemble(rowIds[i], prediction, inputs, rowContributions, rowRaw, memberValues);
        }
        return result;
    }

    /// <summary>A per-row explainer for <paramref name="scorer"/> (a scorer of this explainer's scoring set); like the
    /// scorer, used by one thread at a time.</summary>
    public RowExplainer CreateRowExplainer(RowScorer scorer) => new(this, _scoring, scorer);

    /// <summary>One row's explanation from its numbers: the one place both paths build it.</summary>
    /// <param name="contributions">Per booster (<see cref="BoosterNames"/> order), its contributions with the expected value last.</param>
    /// <param name="raw">Per booster, LightGBM's raw score.</param>
    /// <param name="members">The members' calibrated probabilities.</param>
    internal RowExplanation Assemble(long? rowId, RowPrediction prediction, float[] features, ReadOnlySpan<ReadOnlyMemory<double>> contributions,
        ReadOnlySpan<double> raw, ReadOnlySpan<double> members)
    {
        var boosters = new BoosterContributions[BoosterNames.Count];
        for (var b = 0; b < boosters.Length; b++)
        {
            var c = contributions[b].Span;
            boosters[b] = new BoosterContributions(BoosterNames[b], c[^1], raw[b], c[..^1].ToArray());
        }
        var attributor = _attributor ?? throw new ModelBundleException(Unexplainable!);
        var installed = attributor.Attribute(prediction.Installed, contributions[0].Span, contributions[1].Span, contributions[2].Span, members);
        return new RowExplanation(rowId, prediction, features, boosters, installed);
    }
}
