namespace Cvr.Deep;

/// <summary>Which of the model's two install estimates is used (chosen on the validation day).</summary>
internal static class MmoeHeads
{
    /// <summary>The CTCVR tower: P(install) learned directly on every row.</summary>
    public const string Ctcvr = "ctcvr";

    /// <summary>CTR × CVR: P(like) × P(install | like), the two-stage structure of Model_ts.</summary>
    public const string Product = "ctr_x_cvr";
}

/// <summary>The three heads' probabilities for a set of rows, and the two install estimates built from them.</summary>
internal sealed record MmoePredictions(double[] Ctr, double[] Cvr, double[] Ctcvr)
{
    public double[] Product
    {
        get
        {
            var product = new double[Ctr.Length];
            for (var i = 0; i < product.Length; i++) { product[i] = Ctr[i] * Cvr[i]; }
            return product;
        }
    }

    public double[] Install(string head) => head switch
    {
        MmoeHeads.Ctcvr => Ctcvr,
        MmoeHeads.Product => Product,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, $"expected {MmoeHeads.Ctcvr} or {MmoeHeads.Product}"),
    };
}
