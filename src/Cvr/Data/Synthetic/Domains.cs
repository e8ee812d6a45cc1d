using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>
/// The value sets of the categorical columns f_2..f_32: distinct hashed-looking codes below 32768, a popularity skew
/// per column, and the fixed values data-format.md pins (f_7 = 27941, f_23's train-only 16234, f_32 in 0..3).
/// </summary>
internal sealed class Domains
{
    private const int CodeLimit = 32768;

    /// <summary>Train cardinalities per data-format.md; f_6 comes from the ad catalog, f_16 has 2 extra test-only values.</summary>
    private static readonly (int Column, int Cardinality, double Skew)[] Spec =
    [
        (2, 136, 1.3), (3, 5, 0.8), (4, 633, 1.2), (5, 6, 0.7), (7, 1, 0), (8, 6, 0.8), (9, 7, 0),
        (10, 3, 0.5), (11, 24, 0), (12, 26, 1.5), (13, 329, 1.6), (14, 19, 1.4), (15, 5801, 1.15),
        (16, 12, 1.0), (17, 49, 1.4), (18, 901, 1.5), (19, 19, 1.4), (20, 55, 1.4), (21, 34, 1.5),
        (22, 24, 1.5), (23, 4, 0), (24, 4, 0), (25, 4, 0), (26, 2, 0), (27, 2, 0), (28, 2, 0), (29, 2, 0),
        (30, 2, 0), (31, 2, 0), (32, 4, 0.5),
    ];

    /// <summary>f_16 values with these indices occur only on the test day.</summary>
    public const int F16TrainValues = 10;

    private readonly int[][] _codes = new int[33][];
    private readonly double[] _skew = new double[33];

    public Domains(ref Xoshiro256 rng, int adCount)
    {
        var used = new HashSet<int>();
        foreach (var (column, cardinality, skew) in Spec)
        {
            _skew[column] = skew;
            _codes[column] = column switch
            {
                7 => [RealData.ConstantF7],
                32 => [0, 1, 2, 3],
                // Index 0 is the common 0 of f_23..f_29 (and the usual 0 of f_30, f_31); f_23's index 1 is 16234.
                >= 23 and <= 31 => ZeroFirst(ref rng, cardinality, column == 23 ? RealData.TrainOnlyF23 : -1, used),
                _ => DistinctCodes(ref rng, cardinality, used),
            };
        }
        _codes[6] = DistinctCodes(ref rng, adCount, used: null);
    }

    public int Code(int column, int index) => _codes[column][index];

    public int Cardinality(int column) => _codes[column].Length;

    /// <summary>A skewed (truncated Zipf-like) index in [0, count) from a uniform u.</summary>
    public int SkewedIndex(int column, double u, int count) => Zipf(u, count, _skew[column]);

    public int SkewedIndex(int column, double u) => Zipf(u, _codes[column].Length, _skew[column]);

    /// <summary>
    /// Inverse CDF of the continuous density ∝ x^-s on [1, n+1), floored: P(k) ≈ k^-s, the popularity law of
    /// hashed ids. O(1) and table-free, so it can be evaluated from a hash anywhere.
    /// </summary>
    public static int Zipf(double u, int n, double s)
    {
        if (n <= 1) return 0;
        double top = n + 1.0;
        double x = Math.Abs(s - 1.0) < 1e-9
            ? Math.Pow(top, u)
            : Math.Pow(u * Math.Pow(top, 1.0 - s) + (1.0 - u), 1.0 / (1.0 - s));
        int k = (int)x - 1;
        return Math.Clamp(k, 0, n - 1);
    }

    private static int[] DistinctCodes(ref Xoshiro256 rng, int count, HashSet<int>? used)
    {
        // Codes are unique within a column; `used` additionally keeps small columns apart so that no two columns
        // look alike by accident (the ad ids get their own space: 5k+ codes would exhaust it).
        var local = new HashSet<int>();
        var codes = new int[count];
        for (int i = 0; i < count; i++)
        {
            int code;
            do code = rng.NextInt(CodeLimit);
            while (!local.Add(code) || (used != null && count < 1000 && used.Contains(code)));
            used?.Add(code);
            codes[i] = code;
        }
        return codes;
    }

    private static int[] ZeroFirst(ref Xoshiro256 rng, int count, int fixedSecond, HashSet<int> used)
    {
        var codes = new int[count];
        for (int i = 1; i < count; i++)
        {
            int code;
            do code = 1 + rng.NextInt(CodeLimit - 1);
            while (code == RealData.TrainOnlyF23 || !used.Add(code));
            codes[i] = code;
        }
        if (fixedSecond >= 0) codes[1] = fixedSecond;
        return codes;
    }
}
