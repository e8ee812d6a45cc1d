using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Cvr.Modeling;
using static TorchSharp.torch;

namespace Cvr.Deep;

/// <summary>The three heads' probabilities for one row.</summary>
internal readonly record struct MmoeRowHeads(double Ctr, double Cvr, double Ctcvr)
{
    /// <summary>The install estimate chosen on the validation day (<see cref="MmoeHeads"/>).</summary>
    public double Install(string head) => head switch
    {
        MmoeHeads.Ctcvr => Ctcvr,
        MmoeHeads.Product => Ctr * Cvr,
        _ => throw new ArgumentOutOfRangeException(nameof(head), head, $"expected {MmoeHeads.Ctcvr} or {MmoeHeads.Product}"),
    };
}

/// <summary>
/// The trained network's forward pass, one row at a time, in C# over a copy of its weights: how a trained MMOE scores
/// every row (batch prediction, the validation day's probabilities for ω and the ensemble weights, and the server),
/// so a row scored alone gives the same bits as in any batch. libtorch (training, and the per-epoch validation) can't
/// promise that: its CPU matmul picks kernels by batch size, and a row scored in a batch of one differed from the
/// same row in a batch of 8,192 in 17 % of rows (by up to 1.2e-7, measured); a forward pass per row through
/// TorchSharp also costs some forty native calls and tensor handles. The arithmetic here has a fixed order
/// (float32 dot products in four accumulators of eight lanes, summed pairwise; softmax and sigmoid in float64), so it gives the same
/// bits whatever the batch and the thread. It agrees with the torch module to ~1e-7 (tested). Immutable and
/// thread-safe; each thread scores with its own <see cref="Scratch"/>.
/// </summary>
internal sealed class MmoeForward
{
    private const int Lanes = 8;

    private readonly float[] _embedding;
    private readonly int _dim, _categoricals, _numerics, _inputWidth;
    private readonly int _experts, _units, _unitsWidth, _towerUnits, _towerWidth;

    /// <summary>The experts' then the gates' first layers, one padded row per output unit.</summary>
    private readonly float[] _first, _firstBias;
    private readonly float[] _towerHidden, _towerHiddenBias, _towerOut, _towerOutBias;

    /// <param name="network">A trained network (its weights are copied).</param>
    public MmoeForward(MmoeNetwork network, int categoricals, int numerics, MmoeOptions options)
    {
        (_dim, _categoricals, _numerics) = (options.EmbeddingDim, categoricals, numerics);
        (_experts, _units, _towerUnits) = (options.Experts, options.ExpertUnits, options.TowerUnits);
        _inputWidth = Padded(categoricals * _dim + numerics);
        _unitsWidth = Padded(_units);
        _towerWidth = Padded(_towerUnits);
        using var scope = NewDisposeScope();
        var state = network.state_dict();
        float[] Values(string name) => state.TryGetValue(name, out var t)
            ? t.detach().to(CPU).contiguous().data<float>().ToArray()
            : throw new InvalidOperationException($"the network has no parameter {name}");
        _embedding = Values("_embedding.weight");
        var first = _experts * _units + MmoeNetwork.Tasks * _experts;
        _first = new float[first * _inputWidth];
        _firstBias = new float[first];
        for (var e = 0; e < _experts; e++)
        {
            CopyRows(Values($"_experts.{e}.0.weight"), _units, _first.AsSpan(e * _units * _inputWidth), _inputWidth);
            Values($"_experts.{e}.0.bias").CopyTo(_firstBias, e * _units);
        }
        for (var t = 0; t < MmoeNetwork.Tasks; t++)
        {
            var row = _experts * _units + t * _experts;
            CopyRows(Values($"_gates.{t}.weight"), _experts, _first.AsSpan(row * _inputWidth), _inputWidth);
            Values($"_gates.{t}.bias").CopyTo(_firstBias, row);
        }
        _towerHidden = new float[MmoeNetwork.Tasks * _towerUnits * _unitsWidth];
        _towerHiddenBias = new float[MmoeNetwork.Tasks * _towerUnits];
        _towerOut = new float[MmoeNetwork.Tasks * _towerWidth];
        _towerOutBias = new float[MmoeNetwork.Tasks];
        for (var t = 0; t < MmoeNetwork.Tasks; t++)
        {
            CopyRows(Values($"_towers.{t}.0.weight"), _towerUnits, _towerHidden.AsSpan(t * _towerUnits * _unitsWidth), _unitsWidth);
            Values($"_towers.{t}.0.bias").CopyTo(_towerHiddenBias, t * _towerUnits);
            CopyRows(Values($"_towers.{t}.2.weight"), 1, _towerOut.AsSpan(t * _towerWidth), _towerWidth);
            _towerOutBias[t] = Values($"_towers.{t}.2.bias")[0];
        }
    }

    public Scratch CreateScratch() => new(this);

    /// <summary>The three heads for one encoded row: <paramref name="categories"/> (global embedding rows) and
    /// <paramref name="numerics"/> (standardised values and indicators).</summary>
    public MmoeRowHeads Forward(ReadOnlySpan<int> categories, ReadOnlySpan<float> numerics, Scratch scratch)
    {
        var input = scratch.Input;
        for (var c = 0; c < _categoricals; c++)
        {
            _embedding.AsSpan(categories[c] * _dim, _dim).CopyTo(input.AsSpan(c * _dim));
        }
        numerics[.._numerics].CopyTo(input.AsSpan(_categoricals * _dim));
        var first = scratch.First;
        for (var o = 0; o < first.Length; o++)
        {
            first[o] = Dot(_first.AsSpan(o * _inputWidth, _inputWidth), input) + _firstBias[o];
        }
        var experts = first.AsSpan(0, _experts * _units);
        foreach (ref var x in experts) { x = Math.Max(x, 0); }
        Span<double> logits = stackalloc double[MmoeNetwork.Tasks];
        Span<double> gate = stackalloc double[_experts];
        for (var t = 0; t < MmoeNetwork.Tasks; t++)
        {
            Softmax(first.AsSpan(_experts * _units + t * _experts, _experts), gate);
            var mixed = scratch.Mixed;
            for (var u = 0; u < _units; u++)
            {
                var sum = 0f;
                for (var e = 0; e < _experts; e++) { sum += (float)gate[e] * experts[e * _units + u]; }
                mixed[u] = sum;
            }
            var hidden = scratch.Tower;
            for (var k = 0; k < _towerUnits; k++)
            {
                var row = (t * _towerUnits + k) * _unitsWidth;
                hidden[k] = Math.Max(Dot(_towerHidden.AsSpan(row, _unitsWidth), mixed) + _towerHiddenBias[t * _towerUnits + k], 0);
            }
            logits[t] = Dot(_towerOut.AsSpan(t * _towerWidth, _towerWidth), hidden) + _towerOutBias[t];
        }
        return new MmoeRowHeads(Sigmoid(logits[0]), Sigmoid(logits[1]), Sigmoid(logits[2]));
    }

    /// <summary>The three heads for every encoded row, in parallel blocks (each row on its own: the same bits as
    /// <see cref="Forward"/> for that row alone).</summary>
    public MmoePredictions PredictHeads(EncodedRows rows)
    {
        const int block = 1024;
        var (ctr, cvr, ctcvr) = (new double[rows.Rows], new double[rows.Rows], new double[rows.Rows]);
        Parallel.For(0, (rows.Rows + block - 1) / block, b =>
        {
            var scratch = CreateScratch();
            for (var i = b * block; i < Math.Min(rows.Rows, (b + 1) * block); i++)
            {
                var heads = Forward(rows.Categories.AsSpan(i * rows.CategoricalWidth, rows.CategoricalWidth),
                    rows.Numerics.AsSpan(i * rows.NumericWidth, rows.NumericWidth), scratch);
                (ctr[i], cvr[i], ctcvr[i]) = (heads.Ctr, heads.Cvr, heads.Ctcvr);
            }
        });
        return new MmoePredictions(ctr, cvr, ctcvr);
    }

    private static int Padded(int width) => (width + Lanes - 1) / Lanes * Lanes;

    /// <summary>Row-major [rows, width of the source] into rows of <paramref name="width"/> (zero-padded).</summary>
    private static void CopyRows(float[] source, int rows, Span<float> target, int width)
    {
        var columns = source.Length / rows;
        for (var r = 0; r < rows; r++) { source.AsSpan(r * columns, columns).CopyTo(target[(r * width)..]); }
    }

    /// <summary>A dot product of two spans whose length is a multiple of 8, in a fixed order: four accumulators of
    /// eight lanes (block i of eight into accumulator i mod 4), the accumulators summed pairwise, then the lanes
    /// pairwise (no fused multiply-add: the JIT doesn't contract). Four independent chains of additions, not one:
    /// a single chain waits out each addition's latency, and that, not memory, bounded the first layer (~0.6 MB of
    /// weights, in L2) at 4x the cost (bench row-cost).</summary>
    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref var x = ref MemoryMarshal.GetReference(a);
        ref var y = ref MemoryMarshal.GetReference(b);
        var (s0, s1, s2, s3) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + 4 * Lanes <= a.Length; i += 4 * Lanes)
        {
            s0 += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i);
            s1 += Vector256.LoadUnsafe(ref x, (nuint)(i + Lanes)) * Vector256.LoadUnsafe(ref y, (nuint)(i + Lanes));
            s2 += Vector256.LoadUnsafe(ref x, (nuint)(i + 2 * Lanes)) * Vector256.LoadUnsafe(ref y, (nuint)(i + 2 * Lanes));
            s3 += Vector256.LoadUnsafe(ref x, (nuint)(i + 3 * Lanes)) * Vector256.LoadUnsafe(ref y, (nuint)(i + 3 * Lanes));
        }
        if (i < a.Length) { s0 += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i); i += Lanes; }
        if (i < a.Length) { s1 += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i); i += Lanes; }
        if (i < a.Length) { s2 += Vector256.LoadUnsafe(ref x, (nuint)i) * Vector256.LoadUnsafe(ref y, (nuint)i); }
        var sum = (s0 + s1) + (s2 + s3);
        return ((sum[0] + sum[1]) + (sum[2] + sum[3])) + ((sum[4] + sum[5]) + (sum[6] + sum[7]));
    }

    private static void Softmax(ReadOnlySpan<float> logits, Span<double> weights)
    {
        var max = double.NegativeInfinity;
        foreach (var l in logits) { max = Math.Max(max, l); }
        var total = 0.0;
        for (var e = 0; e < logits.Length; e++) { total += weights[e] = Math.Exp(logits[e] - max); }
        for (var e = 0; e < logits.Length; e++) { weights[e] /= total; }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sigmoid(double logit) => 1 / (1 + Math.Exp(-logit));

    /// <summary>One thread's working memory; the input's padding stays zero.</summary>
    public sealed class Scratch
    {
        internal Scratch(MmoeForward forward)
        {
            Input = new float[forward._inputWidth];
            First = new float[forward._firstBias.Length];
            Mixed = new float[forward._unitsWidth];
            Tower = new float[forward._towerWidth];
        }

        internal float[] Input { get; }

        internal float[] First { get; }

        internal float[] Mixed { get; }

        internal float[] Tower { get; }
    }
}
