using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Cvr.Data.Parquet;

/// <summary>
/// A Parquet shard: the column names and row count come from its footer; <see cref="ReadInto"/> converts each
/// column to the frame's types with the same checks as text (finite numbers, 0/1 labels and binaries, integer
/// categories), reporting positions as 1-based data rows.
/// </summary>
internal sealed class ParquetLayout
{
    private ParquetLayout(string path, string displayName, string[] header, long rowCount)
    {
        Path = path;
        DisplayName = displayName;
        Header = header;
        RowCount = rowCount;
    }

    public string Path { get; }

    public string DisplayName { get; }

    public string[] Header { get; }

    public long RowCount { get; }

    public static ParquetLayout Scan(string path, string displayName) => ScanAsync(path, displayName).GetAwaiter().GetResult();

    private static async Task<ParquetLayout> ScanAsync(string path, string displayName)
    {
        if (new FileInfo(path).Length == 0)
        {
            throw DataError.File(displayName, "the file is empty (expected a Parquet file)");
        }
        await using var stream = File.OpenRead(path);
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
            var fields = reader.Schema.GetDataFields();
            foreach (var field in fields)
            {
                if (field.IsArray)
                {
                    throw DataError.Column(displayName, field.Name, "a repeated (list) column (expected one number per row)");
                }
            }
            var rows = reader.RowGroups.Sum(g => g.RowCount);
            return new ParquetLayout(path, displayName, fields.Select(f => f.Name).ToArray(), rows);
        }
        catch (Exception e) when (e is not DataFormatException)
        {
            throw DataError.File(displayName, $"not a readable Parquet file ({e.Message})");
        }
    }

    public void ReadInto(FrameBuilder builder, int firstRow) => ReadIntoAsync(builder, firstRow).GetAwaiter().GetResult();

    private async Task ReadIntoAsync(FrameBuilder builder, int firstRow)
    {
        await using var stream = File.OpenRead(Path);
        await using var reader = await ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var row = firstRow;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var n = checked((int)group.RowCount);
            for (var c = 0; c < fields.Length; c++)
            {
                var values = ReadAsDoubles(group, fields[c], n);
                Store(builder, c, values, row, row - firstRow);
            }
            row += n;
        }
    }

    /// <summary>Reads any numeric Parquet column as doubles, NaN for null; rejects other types by name.</summary>
    private double[] ReadAsDoubles(ParquetRowGroupReader group, DataField field, int n)
    {
        var result = new double[n];
        var type = field.ClrType;
        if (type == typeof(double)) { Read<double>(group, field, n, result, v => v); }
        else if (type == typeof(float)) { Read<float>(group, field, n, result, v => v); }
        else if (type == typeof(int)) { Read<int>(group, field, n, result, v => v); }
        else if (type == typeof(long)) { Read<long>(group, field, n, result, v => v); }
        else if (type == typeof(short)) { Read<short>(group, field, n, result, v => v); }
        else if (type == typeof(byte)) { Read<byte>(group, field, n, result, v => v); }
        else if (type == typeof(sbyte)) { Read<sbyte>(group, field, n, result, v => v); }
        else if (type == typeof(bool)) { Read<bool>(group, field, n, result, v => v ? 1 : 0); }
        else
        {
            throw DataError.Column(DisplayName, field.Name, $"Parquet type {type.Name} (expected an integer, float or boolean column)");
        }
        return result;
    }

    private static void Read<T>(ParquetRowGroupReader group, DataField field, int n, double[] result, Func<T, double> convert)
        where T : struct
    {
        if (field.IsNullable)
        {
            var values = new T?[n];
            group.ReadAsync<T>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < n; i++)
            {
                result[i] = values[i] is { } v ? convert(v) : double.NaN;
            }
        }
        else
        {
            var values = new T[n];
            group.ReadAsync<T>(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
            for (var i = 0; i < n; i++)
            {
                result[i] = convert(values[i]);
            }
        }
    }

    private void Store(FrameBuilder builder, int c, double[] values, int firstRow, int rowInFile)
    {
        var name = builder.Schema.Columns[c].Name;
        var kind = builder.Kinds[c];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            var row = firstRow + i;
            var missing = double.IsNaN(v);
            switch (kind)
            {
                case ColumnKind.Numeric or ColumnKind.Binary:
                    if (double.IsInfinity(v) || (!missing && Math.Abs(v) > float.MaxValue))
                    {
                        throw Bad(rowInFile + i, name, v, "non-finite value", "expected a finite number or null");
                    }
                    if (kind == ColumnKind.Binary && !missing && v != 0 && v != 1)
                    {
                        throw Bad(rowInFile + i, name, v, "not a binary value", "expected 0, 1 or null");
                    }
                    builder.Target<float>(c)[row] = (float)v;
                    break;
                case ColumnKind.Categorical:
                    if (missing)
                    {
                        builder.Target<int>(c)[row] = FrameBuilder.MissingCategory;
                        break;
                    }
                    if (v != Math.Floor(v) || v <= int.MinValue || v > int.MaxValue)
                    {
                        throw Bad(rowInFile + i, name, v, "cannot use", "expected an integer category or null");
                    }
                    builder.Target<int>(c)[row] = (int)v;
                    break;
                case ColumnKind.Day:
                    if (missing || v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                    {
                        throw Bad(rowInFile + i, name, v, missing ? "missing day" : "cannot use", "expected an integer day number");
                    }
                    builder.Target<int>(c)[row] = (int)v;
                    break;
                case ColumnKind.RowId:
                    if (missing || v != Math.Floor(v) || Math.Abs(v) > (1L << 53))
                    {
                        throw Bad(rowInFile + i, name, v, missing ? "missing row id" : "cannot use", "expected an integer row id");
                    }
                    builder.Target<long>(c)[row] = (long)v;
                    break;
                case ColumnKind.Label:
                    if (v is not (0 or 1))
                    {
                        throw Bad(rowInFile + i, name, v, missing ? "missing label" : "invalid label", "expected 0 or 1");
                    }
                    builder.Target<byte>(c)[row] = (byte)v;
                    break;
            }
        }
    }

    private DataFormatException Bad(int rowInFile, string column, double value, string problem, string expected)
        => DataError.AtRow(DisplayName, rowInFile + 1, column,
            double.IsNaN(value) ? "null" : value.ToString("R", CultureInfo.InvariantCulture), problem, expected);
}
