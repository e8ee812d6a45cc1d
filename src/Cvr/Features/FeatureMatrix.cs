namespace Cvr.Features;

/// <summary>
/// The model input: float32, column-major (each feature's values contiguous), in the order of
/// <see cref="Names"/>. LightGBM takes it as is (<c>is_row_major = 0</c>), so no further copy is made.
/// </summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(IReadOnlyList<string> names, int rows)
    {
        Names = names;
        Rows = rows;
        var size = (long)rows * names.Count;
        if (size > Array.MaxLength)
        {
            throw new InvalidOperationException($"{rows:N0} rows × {names.Count} features is more than one array holds; score in batches");
        }
        // Every column is written by exactly one step, so zeroing first would be wasted work.
        Data = GC.AllocateUninitializedArray<float>((int)size);
    }

    public IReadOnlyList<string> Names { get; }

    public int Rows { get; }

    public int Columns => Names.Count;

    /// <summary>Column-major values: feature <c>j</c> of row <c>i</c> is at <c>j * Rows + i</c>.</summary>
    public float[] Data { get; }

    public Span<float> Column(int j) => Data.AsSpan(j * Rows, Rows);

    public Span<float> Column(string name)
    {
        for (var j = 0; j < Names.Count; j++)
        {
            if (Names[j] == name)
            {
                return Column(j);
            }
        }
        throw new KeyNotFoundException($"no feature '{name}'");
    }

    public long SizeInBytes => (long)Data.Length * sizeof(float);

    /// <summary>The rows at <paramref name="positions"/> (indices into this matrix), in that order, as a matrix of
    /// their own.</summary>
    public FeatureMatrix SelectRows(ReadOnlySpan<int> positions)
    {
        var result = new FeatureMatrix(Names, positions.Length);
        for (var j = 0; j < Columns; j++)
        {
            var from = Column(j);
            var to = result.Column(j);
            for (var i = 0; i < to.Length; i++) { to[i] = from[positions[i]]; }
        }
        return result;
    }
}
