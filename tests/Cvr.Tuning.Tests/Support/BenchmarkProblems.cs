using Cvr.Tuning;

namespace Cvr.Tuning.Testing;

/// <summary>Standard global-optimisation test functions (Surjanovic and Bingham's Virtual Library), to be minimised.</summary>
internal static class BenchmarkProblems
{
    public static IReadOnlyList<BenchmarkProblem> All => [Branin, Hartmann6, NoisyLogScale];

    /// <summary>Branin-Hoo on [-5, 10] x [0, 15]: three global minima of 0.397887.</summary>
    public static BenchmarkProblem Branin { get; } = new(
        "branin",
        new SearchSpace().Float("x1", -5, 10).Float("x2", 0, 15),
        p =>
        {
            double x1 = (double)p["x1"], x2 = (double)p["x2"];
            double b = 5.1 / (4 * Math.PI * Math.PI), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
            double u = x2 - b * x1 * x1 + c * x1 - 6;
            return u * u + 10 * (1 - t) * Math.Cos(x1) + 10;
        },
        0.397887357729739);

    private static readonly double[] s_alpha = [1.0, 1.2, 3.0, 3.2];

    private static readonly double[,] s_a =
    {
        { 10, 3, 17, 3.5, 1.7, 8 },
        { 0.05, 10, 17, 0.1, 8, 14 },
        { 3, 3.5, 1.7, 10, 17, 8 },
        { 17, 8, 0.05, 10, 0.1, 14 },
    };

    private static readonly double[,] s_p =
    {
        { 0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886 },
        { 0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991 },
        { 0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650 },
        { 0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381 },
    };

    /// <summary>Hartmann 6-D on [0, 1]^6: global minimum -3.32237, several local ones.</summary>
    public static BenchmarkProblem Hartmann6 { get; } = new(
        "hartmann6",
        Enumerable.Range(1, 6).Aggregate(new SearchSpace(), (space, j) => space.Float($"x{j}", 0, 1)),
        p =>
        {
            double sum = 0;
            for (int i = 0; i < 4; i++)
            {
                double inner = 0;
                for (int j = 0; j < 6; j++)
                {
                    double d = (double)p[$"x{j + 1}"] - s_p[i, j];
                    inner += s_a[i, j] * d * d;
                }
                sum += s_alpha[i] * Math.Exp(-inner);
            }
            return -sum;
        },
        -3.32236801141551);

    /// <summary>
    /// Shaped like a learning-rate / regularisation / leaves search: a bowl in log10(lr), log10(l2) and log2(leaves)
    /// with its minimum 0 at lr = 10^-1.5, l2 = 10^-3, leaves = 64, observed with N(0, 0.1^2) noise.
    /// </summary>
    public static BenchmarkProblem NoisyLogScale { get; } = new(
        "noisy-log",
        new SearchSpace().Float("lr", 1e-4, 1, log: true).Float("l2", 1e-6, 10, log: true).Int("leaves", 2, 1024, log: true),
        p =>
        {
            double lr = Math.Log10((double)p["lr"]) + 1.5;
            double l2 = Math.Log10((double)p["l2"]) + 3;
            double leaves = Math.Log2((int)p["leaves"]) - 6;
            return lr * lr + 0.5 * l2 * l2 + 0.25 * leaves * leaves;
        },
        0,
        NoiseSd: 0.1);
}
