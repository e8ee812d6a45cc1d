using Cvr.Modeling;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace Cvr.Deep;

/// <summary>
/// The weighted sum of the three tasks' binary cross-entropies. CTR (is_like) and CTCVR (is_installed) use every
/// row; CVR (is_installed given like) only the liked rows: its per-row losses are multiplied by the like mask and
/// averaged over the liked rows, so a row outside its sample space contributes exactly zero gradient to it.
/// </summary>
internal static class MmoeLoss
{
    /// <param name="like">1 for liked rows (clicked or installed), else 0.</param>
    /// <param name="installed">is_installed.</param>
    public static Tensor Compute(MmoeLogits logits, Tensor like, Tensor installed, MmoeOptions options)
    {
        var ctr = binary_cross_entropy_with_logits(logits.Ctr, like);
        var ctcvr = binary_cross_entropy_with_logits(logits.Ctcvr, installed);
        var cvr = Cvr(logits.Cvr, like, installed);
        return options.WeightCtr * ctr + options.WeightCvr * cvr + options.WeightCtcvr * ctcvr;
    }

    /// <summary>CVR's loss: the mean cross-entropy over the liked rows (0 when the batch has none).</summary>
    public static Tensor Cvr(Tensor logits, Tensor like, Tensor installed)
    {
        var perRow = binary_cross_entropy_with_logits(logits, installed, reduction: nn.Reduction.None) * like;
        return perRow.sum() / like.sum().clamp_min(1);
    }
}
