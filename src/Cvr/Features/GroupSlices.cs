namespace Cvr.Features;

/// <summary>
/// The partial state of group statistics over some rows: the rows cut into slices of a fixed number of rows at
/// fixed positions (from the first row of each part: training rows, then any unlabelled rows), each whole slice
/// accumulated, the rows of a slice only partly held kept as they are. Merging shards in row order joins the parts
/// of a slice; <see cref="Finish"/> accumulates what is left and merges every slice in order. The floating-point
/// merges are then the same whatever the shards, threads or cores: the fitted bits are those of one fit.
/// </summary>
internal sealed class GroupSlices
{
    private readonly int _sliceRows;
    private readonly SortedDictionary<(int Part, long Slice), GroupAccumulator> _whole = [];
    private readonly SortedDictionary<(int Part, long Slice), (List<int> Keys, List<float> Values)> _pieces = [];

    private GroupSlices(int sliceRows) => _sliceRows = sliceRows;

    /// <summary>The slices of rows at positions <paramref name="offset"/>.. of <paramref name="part"/>, whole ones
    /// accumulated in parallel.</summary>
    public static GroupSlices Of(int part, long offset, int[] keys, float[] values, int sliceRows, ParallelOptions parallel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceRows, 1);
        var result = new GroupSlices(sliceRows);
        var whole = new List<(long Slice, int Start, int End)>();
        var end = offset + keys.Length;
        for (var s = offset / sliceRows; s * sliceRows < end; s++)
        {
            var (from, to) = ((int)(Math.Max(offset, s * sliceRows) - offset), (int)(Math.Min(end, (s + 1) * sliceRows) - offset));
            if (to == from) { continue; }
            if (to - from == sliceRows) { whole.Add((s, from, to)); }
            else { result._pieces.Add((part, s), (keys[from..to].ToList(), values[from..to].ToList())); }
        }
        var accumulators = new GroupAccumulator[whole.Count];
        Parallel.For(0, whole.Count, parallel, i => accumulators[i] = Accumulate(keys.AsSpan(whole[i].Start..whole[i].End), values.AsSpan(whole[i].Start..whole[i].End)));
        for (var i = 0; i < whole.Count; i++) { result._whole.Add((part, whole[i].Slice), accumulators[i]); }
        return result;
    }

    private static GroupAccumulator Accumulate(ReadOnlySpan<int> keys, ReadOnlySpan<float> values)
    {
        var acc = new GroupAccumulator();
        for (var r = 0; r < keys.Length; r++) { acc.Add(keys[r], values[r]); }
        return acc;
    }

    /// <summary>Adds the slices of <paramref name="later"/> rows; a slice both hold part of is joined, these rows first.</summary>
    public GroupSlices Merge(GroupSlices later)
    {
        foreach (var (slice, acc) in later._whole) { _whole.Add(slice, acc); }
        foreach (var (slice, (keys, values)) in later._pieces)
        {
            if (!_pieces.TryGetValue(slice, out var mine)) { _pieces.Add(slice, (keys, values)); continue; }
            mine.Keys.AddRange(keys);
            mine.Values.AddRange(values);
        }
        return this;
    }

    /// <summary>The serialised form (<see cref="PartialFormat"/>): the slice size, the whole slices' accumulators and
    /// the pieces' rows, each in (part, slice) order.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(_sliceRows);
        writer.Write(_whole.Count);
        foreach (var ((part, slice), acc) in _whole)
        {
            writer.Write(part);
            writer.Write(slice);
            acc.Write(writer);
        }
        writer.Write(_pieces.Count);
        foreach (var ((part, slice), (keys, values)) in _pieces)
        {
            writer.Write(part);
            writer.Write(slice);
            writer.WriteArray<int>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys));
            writer.WriteArray<float>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values));
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">Bytes that aren't slices.</exception>
    public static GroupSlices Read(BinaryReader reader)
    {
        var sliceRows = reader.ReadInt32();
        if (sliceRows < 1) { throw new InvalidDataException($"slices of {sliceRows} rows"); }
        var result = new GroupSlices(sliceRows);
        for (var n = reader.ReadCount(sizeof(int) + sizeof(long)); n > 0; n--)
        {
            result._whole.Add((reader.ReadInt32(), reader.ReadInt64()), GroupAccumulator.Read(reader));
        }
        for (var n = reader.ReadCount(sizeof(int) + sizeof(long)); n > 0; n--)
        {
            var slice = (reader.ReadInt32(), reader.ReadInt64());
            var (keys, values) = (reader.ReadArray<int>(), reader.ReadArray<float>());
            if (keys.Length != values.Length) { throw new InvalidDataException($"slice {slice}: {keys.Length} keys but {values.Length} values"); }
            result._pieces.Add(slice, ([.. keys], [.. values]));
        }
        return result;
    }

    /// <summary>Every slice accumulated and merged in (part, slice) order.</summary>
    public GroupAccumulator Finish()
    {
        var slices = new SortedDictionary<(int Part, long Slice), GroupAccumulator>(_whole);
        foreach (var (slice, (keys, values)) in _pieces)
        {
            slices.Add(slice, Accumulate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values)));
        }
        GroupAccumulator? total = null;
        foreach (var acc in slices.Values)
        {
            if (total is null) { total = acc; }
            else { total.Merge(acc); }
        }
        return total ?? new GroupAccumulator();
    }
}
