using Cvr.Modeling;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cvr.Deep;

/// <summary>The three heads' logits for a batch.</summary>
internal readonly record struct MmoeLogits(Tensor Ctr, Tensor Cvr, Tensor Ctcvr);

/// <summary>
/// MMOE (Ma et al. 2018) as the paper's Appendix A designs it: the categorical inputs' embeddings (one table, one
/// block of rows per column, each block's row 0 shared by its column's out-of-vocabulary values) concatenated with
/// the standardised numerics and missing indicators; E expert MLPs shared by every task; per task a softmax gate
/// over the experts and a tower: CTR (is_like), CVR (is_installed given like) and CTCVR (is_installed).
/// </summary>
internal sealed class MmoeNetwork : nn.Module<Tensor, Tensor, MmoeLogits>
{
    public const int Tasks = 3;

    /// <summary>Rows scored per forward pass.</summary>
    private const int ScoringBatch = 8192;

    private readonly Embedding _embedding;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _experts;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _gates;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _towers;
    private readonly int _categoricals;
    private readonly int _embeddingDim;

    public MmoeNetwork(long vocabulary, int categoricals, int numerics, MmoeOptions options) : base(nameof(MmoeNetwork))
    {
        _categoricals = categoricals;
        _embeddingDim = options.EmbeddingDim;
        var width = categoricals * options.EmbeddingDim + numerics;
        _embedding = nn.Embedding(Math.Max(1, vocabulary), options.EmbeddingDim);
        _experts = nn.ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, options.Experts)
            .Select(_ => (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(width, options.ExpertUnits), nn.ReLU())).ToArray());
        _gates = nn.ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, Tasks)
            .Select(_ => (nn.Module<Tensor, Tensor>)nn.Linear(width, options.Experts)).ToArray());
        _towers = nn.ModuleList<nn.Module<Tensor, Tensor>>(Enumerable.Range(0, Tasks)
            .Select(_ => (nn.Module<Tensor, Tensor>)nn.Sequential(nn.Linear(options.ExpertUnits, options.TowerUnits), nn.ReLU(), nn.Linear(options.TowerUnits, 1))).ToArray());
        RegisterComponents();
    }

    /// <param name="categories">[batch, categoricals] global embedding rows (int64).</param>
    /// <param name="numerics">[batch, numerics] float32.</param>
    public override MmoeLogits forward(Tensor categories, Tensor numerics)
    {
        using var scope = NewDisposeScope();
        var batch = numerics.shape[0];
        var input = _categoricals == 0
            ? numerics
            : cat([_embedding.forward(categories).reshape(batch, _categoricals * _embeddingDim), numerics], 1);
        var experts = stack(_experts.Select(e => e.forward(input)).ToArray(), 1); // [batch, E, units]
        var logits = new Tensor[Tasks];
        for (var t = 0; t < Tasks; t++)
        {
            var gate = _gates[t].forward(input).softmax(1).unsqueeze(2); // [batch, E, 1]
            logits[t] = _towers[t].forward((gate * experts).sum(1)).squeeze(1);
        }
        var result = new MmoeLogits(logits[0], logits[1], logits[2]);
        result.Ctr.MoveToOuterDisposeScope();
        result.Cvr.MoveToOuterDisposeScope();
        result.Ctcvr.MoveToOuterDisposeScope();
        return result;
    }

    /// <summary>The three heads' probabilities for encoded rows, in batches, without gradients (evaluation mode).</summary>
    public MmoePredictions PredictHeads(EncodedRows rows)
    {
        var ctr = new double[rows.Rows];
        var cvr = new double[rows.Rows];
        var ctcvr = new double[rows.Rows];
        eval();
        using var noGrad = no_grad();
        for (var start = 0; start < rows.Rows; start += ScoringBatch)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(ScoringBatch, rows.Rows - start);
            var (categories, numerics) = MmoeTensors.Slice(rows, start, count);
            var logits = forward(categories, numerics);
            Copy(logits.Ctr, ctr, start);
            Copy(logits.Cvr, cvr, start);
            Copy(logits.Ctcvr, ctcvr, start);
        }
        return new MmoePredictions(ctr, cvr, ctcvr);
    }

    private static void Copy(Tensor logits, double[] target, int start)
        => logits.sigmoid().to(CPU).to_type(ScalarType.Float64).data<double>().ToArray().CopyTo(target, start);
}
