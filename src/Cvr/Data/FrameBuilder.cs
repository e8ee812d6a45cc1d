using System.Runtime.CompilerServices;

namespace Cvr.Data;

/// <summary>
/// Pre-sized column arrays that parsers fill in place (each parser owns a disjoint row range), then
/// <see cref="Build"/> dictionary-encodes the categoricals and checks row ids. Categorical slots hold raw values
/// until then, with <see cref="MissingCategory"/> for an empty field.
/// </summary>
internal sealed class FrameBuilder
{
    /// <summary>Raw-value sentinel for a missing categorical; the parser rejects this value in the data.</summary>
    public const int MissingCategory = int.MinValue;

    /// <summary>Widest raw-value range encoded through a dense lookup table rather than a hash map.</summary>
    private const long DenseEncodingMaxRange = 1 << 24;

    public FrameBuilder(Schema schema, int rowCount)
    {
        Schema = schema;
        RowCount = rowCount;
        Kinds = new ColumnKind[schema.Count];
        Targets = new Array[schema.Count];
        for (var c = 0; c < schema.Count; c++)
        {
            var kind = schema.Columns[c].Kind;
            Kinds[c] = kind;
            Targets[c] = kind switch
            {
                // Uninitialized: every reader writes every slot of its rows (or fails), so zeroing would be
                // a wasted pass over the whole frame.
                ColumnKind.RowId => GC.AllocateUninitializedArray<long>(rowCount),
                ColumnKind.Day or ColumnKind.Categorical => GC.AllocateUninitializedArray<int>(rowCount),
                ColumnKind.Binary or ColumnKind.Numeric => GC.AllocateUninitializedArray<float>(rowCount),
                ColumnKind.Label => GC.AllocateUninitializedArray<byte>(rowCount),
                _ => throw new InvalidOperationException($"unhandled column kind {kind}"),
            };
        }
    }

    public Schema Schema { get; }

    public int RowCount { get; }

    /// <summary>Kind of each column, in schema order.</summary>
    public ColumnKind[] Kinds { get; }

    /// <summary>The destination array of each column, in schema order (long[], int[], float[] or byte[]).</summary>
    public Array[] Targets { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T[] Target<T>(int column) => Unsafe.As<T[]>(Targets[column]);

    /// <summary>
    /// Finishes the frame. <paramref name="locate"/> turns a row index into "file: line N" for the duplicate
    /// row id message.
    /// </summary>
    public Frame Build(Func<int, RowLocation> locate)
    {
        var rowIdColumn = Schema.IndexOf(Schema.RowIdColumn);
        var rowIds = Target<long>(rowIdColumn);
        CheckUniqueRowIds(rowIds, locate);

        var categoricals = new List<(int Index, CategoricalColumn Column)>();
        var pending = Enumerable.Range(0, Schema.Count).Where(c => Kinds[c] == ColumnKind.Categorical).ToArray();
        var encoded = new CategoricalColumn[pending.Length];
        Parallel.For(0, pending.Length, i =>
        {
            var c = pending[i];
            var codes = Target<int>(c);
            encoded[i] = new CategoricalColumn(Schema.Columns[c].Name, codes, EncodeInPlace(codes));
        });

        var numerics = new List<NumericColumn>();
        var labels = new List<LabelColumn>();
        for (var c = 0; c < Schema.Count; c++)
        {
            var spec = Schema.Columns[c];
            if (spec.Kind is ColumnKind.Binary or ColumnKind.Numeric)
            {
                numerics.Add(new NumericColumn(spec.Name, spec.Kind, Target<float>(c)));
            }
            else if (spec.Kind == ColumnKind.Label)
            {
                labels.Add(new LabelColumn(spec.Name, Target<byte>(c)));
            }
        }
        return new Frame(Schema, rowIds, Target<int>(Schema.IndexOf(Schema.DayColumn)), encoded, numerics, labels);
    }

    /// <summary>Replaces raw values by codes into the ascending distinct values, which it returns.</summary>
    internal static int[] EncodeInPlace(int[] values)
    {
        long min = long.MaxValue, max = long.MinValue;
        foreach (var v in values)
        {
            if (v == MissingCategory)
            {
                continue;
            }
            if (v < min) { min = v; }
            if (v > max) { max = v; }
        }
        if (min > max)
        {
            Array.Fill(values, CategoricalColumn.Missing);
            return [];
        }
        if (max - min < DenseEncodingMaxRange)
        {
            return EncodeDense(values, (int)min, (int)(max - min + 1));
        }
        var levels = values.Where(v => v != MissingCategory).Distinct().Order().ToArray();
        var map = new Dictionary<int, int>(levels.Length);
        for (var i = 0; i < levels.Length; i++)
        {
            map[levels[i]] = i;
        }
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = values[i] == MissingCategory ? CategoricalColumn.Missing : map[values[i]];
        }
        return levels;
    }

    private static int[] EncodeDense(int[] values, int min, int range)
    {
        var map = new int[range];
        foreach (var v in values)
        {
            if (v != MissingCategory)
            {
                map[v - min] = 1;
            }
        }
        var levels = new List<int>();
        for (var i = 0; i < range; i++)
        {
            if (map[i] != 0)
            {
                map[i] = levels.Count;
                levels.Add(min + i);
            }
        }
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            values[i] = v == MissingCategory ? CategoricalColumn.Missing : map[v - min];
        }
        return [.. levels];
    }

    private static void CheckUniqueRowIds(long[] rowIds, Func<int, RowLocation> locate)
    {
        var duplicate = FindDuplicate(rowIds);
        if (duplicate is not { } pair)
        {
            return;
        }
        var first = locate(pair.First);
        var second = locate(pair.Second);
        var value = rowIds[pair.Second].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var expected = $"expected unique row ids; first seen in {first.File} {first.Unit} {first.Number}";
        throw second.IsRow
            ? DataError.AtRow(second.File, second.Number, Schema.RowIdColumn, value, "duplicate row id", expected)
            : DataError.At(second.File, second.Number, Schema.RowIdColumn, value, "duplicate row id", expected);
    }

    /// <summary>The first pair (earlier row, later row) sharing a row id, in the order rows were read.</summary>
    internal static (int First, int Second)? FindDuplicate(long[] rowIds)
    {
        if (rowIds.Length < 2)
        {
            return null;
        }
        long min = rowIds.Min(), max = rowIds.Max();
        var range = (ulong)(max - min);
        int? secondRow = null;
        if (range < 64UL * (ulong)rowIds.Length)
        {
            // Dense ids (the usual 1..N): one bit per possible id.
            var seen = new ulong[(range >> 6) + 1];
            for (var i = 0; i < rowIds.Length; i++)
            {
                var off = (ulong)(rowIds[i] - min);
                ref var word = ref seen[off >> 6];
                var bit = 1UL << (int)(off & 63);
                if ((word & bit) != 0)
                {
                    secondRow = i;
                    break;
                }
                word |= bit;
            }
        }
        else
        {
            var seen = new HashSet<long>(rowIds.Length);
            for (var i = 0; i < rowIds.Length; i++)
            {
                if (!seen.Add(rowIds[i]))
                {
                    secondRow = i;
                    break;
                }
            }
        }
        if (secondRow is not { } second)
        {
            return null;
        }
        var first = Array.IndexOf(rowIds, rowIds[second]);
        return (first, second);
    }
}

/// <summary>Where a row came from: a 1-based line of a text file, or a 1-based data row of a Parquet file.</summary>
internal readonly record struct RowLocation(string File, long Number, bool IsRow)
{
    public string Unit => IsRow ? "row" : "line";
}
