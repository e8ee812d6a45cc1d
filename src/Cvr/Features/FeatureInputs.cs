using System.Collections.Concurrent;
using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The inputs derived steps read, resolved once per frame (and row selection) and shared: cleaned numeric columns
/// and integer keys of categorical inputs (base categoricals' raw values, and the keys of fitted steps: date_mod,
/// crosses). Thread-safe, so steps can run in parallel.
/// </summary>
/// <param name="baseColumns">Null while the base columns are being fitted (nothing reads a numeric input then).</param>
/// <param name="keySteps">The fitted steps that give a key, by key; while fitting, filled as they are fitted.</param>
internal sealed class FeatureInputs(Frame frame, int[]? rows, FittedBaseColumns? baseColumns, IReadOnlyDictionary<string, FittedStep> keySteps)
{
    private readonly ConcurrentDictionary<string, Lazy<float[]>> _numeric = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<int[]>> _keys = new(StringComparer.Ordinal);

    public Frame Frame { get; } = frame;

    public int[]? Rows { get; } = rows;

    public int Count { get; } = rows?.Length ?? frame.RowCount;

    /// <summary>Cleaned values (missing → fill, counts ÷ base) of a binary or numeric base column.</summary>
    public float[] Numeric(string name) => _numeric.GetOrAdd(name, n => new Lazy<float[]>(() =>
    {
        var cleaning = baseColumns ?? throw new InvalidOperationException($"{n} is read before the base columns are fitted");
        var values = GC.AllocateUninitializedArray<float>(Count);
        cleaning.Clean(Frame, n, cleaning.BaseOf(n), values, Rows);
        return values;
    })).Value;

    /// <summary>Inputs of other rows of the same frame (frame row indices), resolved afresh.</summary>
    public FeatureInputs Subset(int[] frameRows) => new(Frame, frameRows, baseColumns, keySteps);

    /// <summary>The day of each selected row.</summary>
    public int[] Days() => Rows is null ? Frame.Days : FeaturePipeline.Select(Frame.Days, Rows);

    /// <summary>
    /// The key of a missing categorical value, for history, encodings, group statistics and crosses: its own key,
    /// not the fill of the base columns (<c>missing_value</c>, 0 by default), which is a real code too. No value in
    /// the data can equal it: the readers refuse <see cref="int.MinValue"/> (<see cref="FrameBuilder.MissingCategory"/>).
    /// </summary>
    public const int MissingKey = FrameBuilder.MissingCategory;

    /// <summary>Integer keys of a categorical input for each selected row (<see cref="MissingKey"/> when missing).</summary>
    public int[] Keys(string name) => _keys.GetOrAdd(name, n => new Lazy<int[]>(() => ComputeKeys(n))).Value;

    private int[] ComputeKeys(string name)
    {
        var keys = GC.AllocateUninitializedArray<int>(Count);
        if (keySteps.TryGetValue(name, out var step))
        {
            step.WriteKeys(this, keys);
            return keys;
        }
        Frame.Categorical(name).Decode(Rows, MissingKey, keys.AsSpan());
        return keys;
    }

    /// <summary>A non-negative remainder, so negative days still give a weekday in [0, m).</summary>
    internal static int Mod(int value, int modulus) => ((value % modulus) + modulus) % modulus;
}

/// <summary>Turns integer keys into dense indices of a fitted dictionary, −1 for unseen keys.</summary>
internal static class KeyIndex
{
    /// <summary>Widest key range mapped through an array rather than per-row hash lookups.</summary>
    private const long DenseRange = 1 << 22;

    public static int[] Map(int[] keys, IReadOnlyDictionary<int, int> index)
    {
        var result = GC.AllocateUninitializedArray<int>(keys.Length);
        if (keys.Length == 0)
        {
            return result;
        }
        // The missing key sits far below every real one: range over the others and look it up once.
        int min = int.MaxValue, max = int.MinValue;
        foreach (var k in keys)
        {
            if (k == FeatureInputs.MissingKey) { continue; }
            if (k < min) { min = k; }
            if (k > max) { max = k; }
        }
        if (min > max || (long)max - min < DenseRange)
        {
            var missing = Find(index, FeatureInputs.MissingKey);
            var dense = new int[min > max ? 0 : max - min + 1];
            Array.Fill(dense, -1);
            foreach (var (key, i) in index)
            {
                if (key >= min && key <= max) { dense[key - min] = i; }
            }
            for (var r = 0; r < keys.Length; r++) { result[r] = keys[r] == FeatureInputs.MissingKey ? missing : dense[keys[r] - min]; }
            return result;
        }
        for (var r = 0; r < keys.Length; r++)
        {
            result[r] = Find(index, keys[r]);
        }
        return result;
    }

    /// <summary>The index of one key, −1 when unseen: what <see cref="Map"/> computes for every row.</summary>
    public static int Find(IReadOnlyDictionary<int, int> index, int key) => index.TryGetValue(key, out var i) ? i : -1;
}
