using Cvr.Data;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>The baseline's input: every raw column as it was read (categoricals as numbers, missing as NaN).</summary>
public static class RawMatrix
{
    public static IReadOnlyList<string> Columns(Schema schema)
        => schema.Columns.Where(c => c.Kind is not (ColumnKind.Label or ColumnKind.RowId)).Select(c => c.Name).ToArray();

    /// <summary>The raw columns of <paramref name="rows"/>[<paramref name="positions"/>] (a chunk of those rows).</summary>
    public static FeatureMatrix Build(Frame frame, IReadOnlyList<string> columns, int[] rows, ReadOnlySpan<int> positions)
    {
        var picked = new int[positions.Length];
        for (var i = 0; i < picked.Length; i++) { picked[i] = rows[positions[i]]; }
        return Build(frame, columns, picked);
    }

    public static FeatureMatrix Build(Frame frame, IReadOnlyList<string> columns, int[]? rows)
    {
        var matrix = new FeatureMatrix(columns, rows?.Length ?? frame.RowCount);
        Parallel.For(0, columns.Count, j =>
        {
            // Resolve the column once, not per row: this runs over every cell of the training rows.
            var output = matrix.Column(j);
            var name = columns[j];
            if (name == Schema.DayColumn)
            {
                for (var i = 0; i < output.Length; i++) { output[i] = frame.Days[rows is null ? i : rows[i]]; }
            }
            else if (frame.TryGetCategorical(name, out var categorical))
            {
                categorical.Decode(rows, float.NaN, output);
            }
            else
            {
                var values = frame.Numeric(name).Values;
                for (var i = 0; i < output.Length; i++) { output[i] = values[rows is null ? i : rows[i]]; }
            }
        });
        return matrix;
    }
}
