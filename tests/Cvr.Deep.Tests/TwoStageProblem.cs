using Cvr.Modeling;

namespace Cvr.Deep.Tests;

/// <summary>
/// A small learnable problem with a known two-stage structure: like ~ Bernoulli(σ(−1 + 1.5·x1 + b_c)), and
/// installed only when liked, with P(install | like) = σ(−0.5 + 2·x2): CTR depends on x1 and the category, CVR on
/// x2 alone. Inputs are given encoded (one categorical of 5 values, two numerics).
/// </summary>
internal sealed class TwoStageProblem
{
    private static readonly double[] s_categoryEffect = [-1, -0.5, 0, 0.5, 1];

    public TwoStageProblem(int rows, int seed)
    {
        var random = new Random(seed);
        var categories = new int[rows];
        var numerics = new float[rows * 2];
        Like = new byte[rows];
        Installed = new byte[rows];
        TrueCtr = new double[rows];
        TrueCvr = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var c = random.Next(5);
            var (x1, x2) = (Gaussian(random), Gaussian(random));
            categories[i] = c + 1; // row 0 is the out-of-vocabulary row
            numerics[2 * i] = (float)x1;
            numerics[2 * i + 1] = (float)x2;
            TrueCtr[i] = Sigmoid(-1 + 1.5 * x1 + s_categoryEffect[c]);
            TrueCvr[i] = Sigmoid(-0.5 + 2 * x2);
            Like[i] = (byte)(random.NextDouble() < TrueCtr[i] ? 1 : 0);
            Installed[i] = (byte)(Like[i] == 1 && random.NextDouble() < TrueCvr[i] ? 1 : 0);
        }
        Rows = new EncodedRows(rows, 1, categories, 2, numerics);
    }

    public static MmoeInputEncoder Encoder { get; } = new(
        [new CategoricalInput("c", 0, [0, 1, 2, 3, 4])],
        [new NumericInput("x1", null, 0, 1, false), new NumericInput("x2", null, 0, 1, false)]);

    public static MmoeOptions Options { get; } = new()
    {
        Experts = 3, ExpertUnits = 16, TowerUnits = 8, EmbeddingDim = 4, LearningRate = 0.01, BatchSize = 256, MaxEpochs = 12, Patience = 3,
    };

    public EncodedRows Rows { get; }
    public byte[] Like { get; }
    public byte[] Installed { get; }
    public double[] TrueCtr { get; }
    public double[] TrueCvr { get; }

    public MmoeData Data => new(Rows, Like, Installed);

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
