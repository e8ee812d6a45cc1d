using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Cvr.LightGbm;

/// <summary>
/// A booster's trees laid out for scoring one row at a time in managed code: every split of every tree in one array
/// of 16-byte nodes, walked eight trees at a time so their memory loads overlap. It gives the same bits as LightGBM's
/// own prediction (<see cref="SingleRowPredictor"/>, kind <see cref="PredictionKind.Normal"/>): the row's values
/// are read as LightGBM's dense-matrix path reads them (|x| ≤ 1e-35 is zero), each split decides as
/// <c>Tree::NumericalDecision</c> / <c>CategoricalDecision</c> do, the leaf values are added in tree order in
/// double, and the binary objective's sigmoid is LightGBM's formula on the same <c>exp</c>.
/// </summary>
/// <remarks>
/// Why: LightGBM walks each tree through five separate arrays (split feature, threshold, decision type, children),
/// one chain of dependent loads per tree; for a bundle of ~1,000 trees that is most of a served row's CPU
/// (bench/results/serve.md). Immutable after construction, so one instance serves every thread without a lock.
/// Only what can be reproduced exactly is compiled (<see cref="TryParse"/> says why not otherwise): one tree per
/// iteration, no linear trees, no averaged output (random forests), and the binary objective or none.
/// </remarks>
public sealed class CompiledForest : ISingleRowScorer
{
    /// <summary>LightGBM's <c>kZeroThreshold</c>: a value this close to zero is zero, when read and when split.</summary>
    private const float ZeroThreshold = 1e-35f;

    /// <summary>Trees walked together: independent chains of loads that hide each other's cache misses (8 measured a little
    /// faster than 4 on the full-scale bundle, bench row-cost).</summary>
    private const int Lanes = 8;

    private readonly Node[] _nodes;
    private readonly double[] _leaves;

    /// <summary>Per tree, its root: a node index, or the complement of a leaf index for a tree of one leaf.</summary>
    private readonly int[] _roots;
    private readonly uint[] _categories;
    private readonly int[] _categoryBounds;
    private readonly BinaryLink? _link;

    /// <summary>Per group of <see cref="Lanes"/> trees: every split in it is plain (<see cref="Node.Plain"/>).</summary>
    private readonly bool[] _plain;

    /// <param name="nodeStarts">Per tree, the index of its first split; then the split count.</param>
    private CompiledForest(int columns, Node[] nodes, double[] leaves, int[] roots, int[] nodeStarts, uint[] categories, int[] categoryBounds, BinaryLink? link)
    {
        ColumnCount = columns;
        _nodes = nodes;
        _leaves = leaves;
        _roots = roots;
        _categories = categories;
        _categoryBounds = categoryBounds;
        _link = link;
        _plain = new bool[roots.Length / Lanes];
        for (var g = 0; g < _plain.Length; g++)
        {
            // A group's splits are contiguous: from its first tree's first split to the next group's.
            _plain[g] = true;
            for (var n = nodeStarts[g * Lanes]; n < nodeStarts[(g + 1) * Lanes]; n++) { _plain[g] &= nodes[n].Plain; }
        }
    }

    /// <summary>The row's width: the booster's feature count.</summary>
    public int ColumnCount { get; }

    public int TreeCount => _roots.Length;

    /// <summary>The forest of <paramref name="booster"/>'s iterations as <see cref="Booster.CreateSingleRowPredictor"/>
    /// would score them (its best iteration unless <paramref name="iterationCount"/> says otherwise), or null with the
    /// reason when the model has something this class does not reproduce.</summary>
    public static CompiledForest? TryCompile(Booster booster, out string? reason, int startIteration = 0, int? iterationCount = null)
    {
        ArgumentNullException.ThrowIfNull(booster);
        var text = booster.SaveToString(startIteration, iterationCount ?? (booster.BestIteration > 0 ? booster.BestIteration : null));
        var forest = TryParse(text, out reason);
        if (forest is not null && forest.ColumnCount != booster.FeatureCount)
        {
            reason = $"the model text has {forest.ColumnCount} features, the booster {booster.FeatureCount}";
            return null;
        }
        return forest;
    }

    /// <summary>Reads a LightGBM text model (as <c>LGBM_BoosterSaveModelToString</c> writes it); null with the reason
    /// for a model this class does not reproduce exactly.</summary>
    /// <exception cref="FormatException">The text is not a LightGBM model.</exception>
    public static CompiledForest? TryParse(string model, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(model);
        var reader = new ModelText(model);
        var header = reader.ReadBlock();
        if (!header.ContainsKey("version") || !header.TryGetValue("max_feature_idx", out var maxFeature))
        {
            throw new FormatException("not a LightGBM text model (no version or max_feature_idx line)");
        }
        var columns = ModelText.Int(maxFeature, "max_feature_idx") + 1;
        reason = Unsupported(header);
        if (reason is not null) { return null; }
        var link = BinaryLink.FromObjective(header.GetValueOrDefault("objective", ""));
        var nodes = new List<Node>();
        var leaves = new List<double>();
        var roots = new List<int>();
        var nodeStarts = new List<int>();
        var categories = new List<uint>();
        var categoryBounds = new List<int> { 0 };
        while (reader.ReadBlock() is { Count: > 0 } tree)
        {
            if (!tree.ContainsKey("Tree")) { break; }
            if (tree.TryGetValue("is_linear", out var linear) && linear != "0")
            {
                reason = "a linear tree (linear_tree=true)";
                return null;
            }
            nodeStarts.Add(nodes.Count);
            roots.Add(AddTree(tree, columns, nodes, leaves, categories, categoryBounds));
        }
        nodeStarts.Add(nodes.Count);
        return new CompiledForest(columns, [.. nodes], [.. leaves], [.. roots], [.. nodeStarts], [.. categories], [.. categoryBounds], link);
    }

    private static string? Unsupported(Dictionary<string, string> header)
    {
        if (header.TryGetValue("num_tree_per_iteration", out var perIteration) && perIteration != "1")
        {
            return $"{perIteration} trees per iteration (multiclass)";
        }
        if (header.ContainsKey("average_output")) { return "averaged output (random forest)"; }
        var objective = header.GetValueOrDefault("objective", "");
        var name = objective.Split(' ')[0];
        return name is "binary" or "" or "regression" or "regression_l1" or "huber" or "fair" or "quantile" or "mape"
            ? name == "regression" && objective.Contains("sqrt", StringComparison.Ordinal) ? "a regression on sqrt of the label" : null
            : $"objective {name} (its output transform is not reproduced)";
    }

    /// <summary>Appends one tree's splits and leaves; returns its root.</summary>
    /// <exception cref="FormatException">A split reads a feature past <paramref name="columns"/>, or a child is not
    /// one of the tree's nodes or leaves: the walk reads without bounds checks, so the text is checked here.</exception>
    private static int AddTree(Dictionary<string, string> tree, int columns, List<Node> nodes, List<double> leaves, List<uint> categories, List<int> categoryBounds)
    {
        var leafCount = ModelText.Int(tree["num_leaves"], "num_leaves");
        var leafValues = ModelText.Doubles(tree["leaf_value"], leafCount, "leaf_value");
        var firstLeaf = leaves.Count;
        leaves.AddRange(leafValues);
        if (leafCount == 1) { return ~firstLeaf; }
        var splits = leafCount - 1;
        var features = ModelText.Ints(tree["split_feature"], splits, "split_feature");
        var thresholds = ModelText.Doubles(tree["threshold"], splits, "threshold");
        var types = ModelText.Ints(tree["decision_type"], splits, "decision_type");
        var left = ModelText.Ints(tree["left_child"], splits, "left_child");
        var right = ModelText.Ints(tree["right_child"], splits, "right_child");
        var firstNode = nodes.Count;
        var firstCategory = categoryBounds.Count - 1;
        if (ModelText.Int(tree.GetValueOrDefault("num_cat", "0"), "num_cat") is var catCount and > 0)
        {
            var bounds = ModelText.Ints(tree["cat_boundaries"], catCount + 1, "cat_boundaries");
            var bits = ModelText.Ints(tree["cat_threshold"], bounds[^1], "cat_threshold", unsigned: true);
            var offset = categories.Count;
            categories.AddRange(bits.Select(b => unchecked((uint)b)));
            for (var c = 1; c <= catCount; c++) { categoryBounds.Add(offset + bounds[c]); }
        }
        int Child(int child) => child >= 0
            ? child < splits ? firstNode + child : throw new FormatException($"tree {tree["Tree"]}: child node {child} of {splits} splits")
            : ~child < leafCount ? ~(firstLeaf + ~child) : throw new FormatException($"tree {tree["Tree"]}: child leaf {~child} of {leafCount} leaves");
        for (var i = 0; i < splits; i++)
        {
            if (features[i] < 0 || features[i] >= columns)
            {
                throw new FormatException($"tree {tree["Tree"]}: split {i} reads feature {features[i]}, past max_feature_idx {columns - 1}");
            }
            var type = types[i];
            var categorical = (type & 1) != 0;
            var defaultLeft = (type & 2) != 0;
            var missing = (type >> 2) & 3; // 0 none, 1 zero, 2 NaN
            Node node;
            if (categorical)
            {
                // The threshold is the split's index among the tree's categorical splits.
                node = Node.OfCategories(firstCategory + (int)thresholds[i], features[i], Child(left[i]), Child(right[i]));
            }
            else
            {
                var flags = missing switch
                {
                    // None: NaN is read as 0 and compared.
                    0 => 0.0 <= thresholds[i] ? Node.NanLeft : 0,
                    // Zero: NaN is read as 0, and 0 takes the default side.
                    1 => Node.ZeroIsMissing | (defaultLeft ? Node.NanLeft | Node.ZeroLeft : 0),
                    // NaN: NaN takes the default side; 0 is compared.
                    _ => defaultLeft ? Node.NanLeft : 0,
                };
                node = Node.Numeric(FloatAtMost(thresholds[i]), features[i], flags, Child(left[i]), Child(right[i]));
            }
            nodes.Add(node);
        }
        return firstNode;
    }

    /// <summary>The largest float at most <paramref name="threshold"/>: for every float x, <c>(double)x &lt;= threshold</c>
    /// exactly when <c>x &lt;= FloatAtMost(threshold)</c>, so a split compares floats and decides as LightGBM's
    /// double comparison does.</summary>
    internal static float FloatAtMost(double threshold)
    {
        var f = (float)threshold;
        return f > threshold ? MathF.BitDecrement(f) : f;
    }

    /// <summary>LightGBM's normal prediction of one row: the probability for a binary model, the raw score otherwise.</summary>
    public double Predict(ReadOnlySpan<float> row)
    {
        var raw = PredictRaw(row);
        return _link is { } link ? link.Probability(raw) : raw;
    }

    /// <summary>The sum of the trees' leaf values, in tree order.</summary>
    public double PredictRaw(ReadOnlySpan<float> row)
    {
        if (row.Length != ColumnCount)
        {
            throw new ArgumentException($"Expected {ColumnCount} features, got {row.Length}.", nameof(row));
        }
        Span<float> values = ColumnCount <= 1024 ? stackalloc float[ColumnCount] : new float[ColumnCount];
        for (var c = 0; c < values.Length; c++)
        {
            var v = row[c];
            // LightGBM's dense rows keep a value only when |v| > kZeroThreshold or v is NaN; the rest read as 0.
            values[c] = MathF.Abs(v) > ZeroThreshold || float.IsNaN(v) ? v : 0f;
        }
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        ref var value = ref MemoryMarshal.GetReference(values);
        ref var leaves = ref MemoryMarshal.GetArrayDataReference(_leaves);
        var roots = _roots;
        var sum = 0.0;
        var t = 0;
        for (; t + Lanes <= roots.Length; t += Lanes)
        {
            int a = roots[t], b = roots[t + 1], c = roots[t + 2], d = roots[t + 3];
            int e = roots[t + 4], f = roots[t + 5], g = roots[t + 6], h = roots[t + 7];
            if (_plain[t / Lanes])
            {
                // Until all are at a leaf (negative: the AND's sign bit is set only when every sign bit is).
                while ((a & b & c & d & e & f & g & h) >= 0)
                {
                    a = StepPlain(ref nodes, a, ref value);
                    b = StepPlain(ref nodes, b, ref value);
                    c = StepPlain(ref nodes, c, ref value);
                    d = StepPlain(ref nodes, d, ref value);
                    e = StepPlain(ref nodes, e, ref value);
                    f = StepPlain(ref nodes, f, ref value);
                    g = StepPlain(ref nodes, g, ref value);
                    h = StepPlain(ref nodes, h, ref value);
                }
            }
            else
            {
                while ((a & b & c & d & e & f & g & h) >= 0)
                {
                    a = Step(ref nodes, a, values);
                    b = Step(ref nodes, b, values);
                    c = Step(ref nodes, c, values);
                    d = Step(ref nodes, d, values);
                    e = Step(ref nodes, e, values);
                    f = Step(ref nodes, f, values);
                    g = Step(ref nodes, g, values);
                    h = Step(ref nodes, h, values);
                }
            }
            // In tree order, as LightGBM adds them.
            sum += Unsafe.Add(ref leaves, ~a);
            sum += Unsafe.Add(ref leaves, ~b);
            sum += Unsafe.Add(ref leaves, ~c);
            sum += Unsafe.Add(ref leaves, ~d);
            sum += Unsafe.Add(ref leaves, ~e);
            sum += Unsafe.Add(ref leaves, ~f);
            sum += Unsafe.Add(ref leaves, ~g);
            sum += Unsafe.Add(ref leaves, ~h);
        }
        for (; t < roots.Length; t++)
        {
            var n = roots[t];
            while (n >= 0) { n = Next(ref Unsafe.Add(ref nodes, n), values); }
            sum += Unsafe.Add(ref leaves, ~n);
        }
        return sum;
    }

    /// <summary><see cref="Step"/> for a node known to be plain (numeric, NaN missing or none: flags at most
    /// <see cref="Node.NanLeft"/>), with no check of its kind and none of the feature's bounds (checked when parsed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int StepPlain(ref Node nodes, int at, ref float values)
    {
        var leaf = at >> 31; // all ones at a leaf
        ref var node = ref Unsafe.Add(ref nodes, at & ~leaf);
        var packed = node.FeatureAndFlags;
        var v = Unsafe.Add(ref values, packed >> Node.FlagBits);
        // A NaN compares false, so it goes right unless the node sends NaN left (bit 0 of the flags).
        var right = (v <= node.Threshold ? 0 : 1) & ~((float.IsNaN(v) ? 1 : 0) & packed);
        var next = Unsafe.Add(ref Unsafe.AsRef(in node.Left), right);
        return (next & ~leaf) | (at & leaf);
    }

    /// <summary>One step down from <paramref name="at"/>, or <paramref name="at"/> itself when it is a leaf (negative),
    /// without a branch: a finished tree's lane reads node 0 and keeps its leaf.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Step(ref Node nodes, int at, ReadOnlySpan<float> values)
    {
        var leaf = at >> 31; // all ones at a leaf
        var next = Next(ref Unsafe.Add(ref nodes, at & ~leaf), values);
        return (next & ~leaf) | (at & leaf);
    }

    /// <summary>The child a row goes to from <paramref name="node"/>. A numeric split with NaN missing or none (all
    /// but <c>zero_as_missing</c> models) decides without a branch: a NaN compares false, so it goes right unless
    /// its node sends NaN left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next(ref Node node, ReadOnlySpan<float> values)
    {
        var v = values[node.Feature];
        var flags = node.Flags;
        if (flags > Node.NanLeft) { return Decide(ref node, v) ? node.Left : node.Right; }
        var right = (v <= node.Threshold ? 0 : 1) & ~((float.IsNaN(v) ? 1 : 0) & flags);
        return Unsafe.Add(ref Unsafe.AsRef(in node.Left), right);
    }

    /// <summary>Any split, with branches: <c>Tree::NumericalDecision</c> and <c>CategoricalDecision</c> on a value read
    /// as LightGBM reads it.</summary>
    private bool Decide(ref Node node, float v)
    {
        var flags = node.Flags;
        if ((flags & Node.Categorical) != 0) { return InCategory(node.CategoryIndex, v); }
        if (float.IsNaN(v)) { return (flags & Node.NanLeft) != 0; }
        if (v == 0f && (flags & Node.ZeroIsMissing) != 0) { return (flags & Node.ZeroLeft) != 0; }
        return v <= node.Threshold;
    }

    /// <summary><c>Tree::CategoricalDecision</c>: NaN and negative values go right; otherwise left when the value's bit is
    /// set in the split's bitset.</summary>
    private bool InCategory(int split, float value)
    {
        if (float.IsNaN(value)) { return false; }
        var category = (int)value; // truncation toward zero, as static_cast<int>; saturates where C++ would be undefined
        if (category < 0) { return false; }
        var first = _categoryBounds[split];
        var words = _categoryBounds[split + 1] - first;
        var word = category / 32;
        return word < words && ((_categories[first + word] >> (category % 32)) & 1) != 0;
    }

    public void Dispose()
    {
        // Managed arrays only: nothing to release.
    }

    /// <summary>One split, 16 bytes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 16)]
    private readonly struct Node
    {
        public const int NanLeft = 1, ZeroIsMissing = 2, ZeroLeft = 4, Categorical = 8;
        public const int FlagBits = 4;

        /// <summary>A numeric split's threshold as a float (<see cref="FloatAtMost"/>).</summary>
        [FieldOffset(0)] public readonly float Threshold;

        /// <summary>A categorical split's bitset, by index into the forest's bounds.</summary>
        [FieldOffset(0)] public readonly int CategoryIndex;

        [FieldOffset(4)] private readonly int _featureAndFlags;

        /// <summary>A node index, or the complement of a leaf index; <see cref="Right"/> follows it, so the child is
        /// <c>Left</c> offset by 0 or 1.</summary>
        [FieldOffset(8)] public readonly int Left;

        [FieldOffset(12)] public readonly int Right;

        private Node(int feature, int flags, int left, int right, float threshold, int categoryIndex)
        {
            // Both share their four bytes: the one this node uses is written last.
            if ((flags & Categorical) != 0)
            {
                Threshold = threshold;
                CategoryIndex = categoryIndex;
            }
            else
            {
                CategoryIndex = categoryIndex;
                Threshold = threshold;
            }
            _featureAndFlags = (feature << FlagBits) | flags;
            Left = left;
            Right = right;
        }

        public static Node Numeric(float threshold, int feature, int flags, int left, int right)
            => new(feature, flags, left, right, threshold, 0);

        public static Node OfCategories(int categoryIndex, int feature, int left, int right)
            => new(feature, Categorical, left, right, 0, categoryIndex);

        public int Feature => _featureAndFlags >> FlagBits;

        /// <summary>The feature above <see cref="FlagBits"/>, the flags below.</summary>
        public int FeatureAndFlags => _featureAndFlags;

        public bool Plain => Flags <= NanLeft;

        public int Flags => _featureAndFlags & ((1 << FlagBits) - 1);
    }
}
