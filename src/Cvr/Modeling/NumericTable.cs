using System.Globalization;
using System.Text;
using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>
/// A small TAB- or comma-separated table of named numeric columns (submissions, truth files), read strictly:
/// every problem is a <see cref="DataFormatException"/> naming file, line, column and value.
/// </summary>
public sealed class NumericTable
{
    private readonly Dictionary<string, double[]> _columns;

    private NumericTable(string display, Dictionary<string, double[]> columns, int rows)
    {
        Display = display;
        _columns = columns;
        Rows = rows;
    }

    public string Display { get; }

    public int Rows { get; }

    public bool Has(string column) => _columns.ContainsKey(column);

    public double[] Column(string column) => _columns[column];

    public static NumericTable Read(string path, IReadOnlyList<string> required, IReadOnlyList<string> optional, string? display = null)
    {
        display ??= path;
        if (!File.Exists(path))
        {
            throw DataError.File(display, "no such file");
        }
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var headerLine = reader.ReadLine() ?? throw DataError.File(display, "the file is empty (expected a header line)");
        var delimiter = headerLine.Contains('\t') ? '\t' : ',';
        var header = headerLine.TrimEnd('\r').Split(delimiter);
        foreach (var name in required)
        {
            if (!header.Contains(name))
            {
                throw DataError.Line(display, 1, $"the header has no {name} column (expected {string.Join(", ", required)})");
            }
        }
        var wanted = required.Concat(optional).Where(header.Contains).ToArray();
        var index = wanted.Select(w => Array.IndexOf(header, w)).ToArray();
        var values = wanted.Select(_ => new List<double>()).ToArray();
        var line = 1L;
        while (reader.ReadLine() is { } text)
        {
            line++;
            var fields = text.TrimEnd('\r').Split(delimiter);
            if (fields.Length != header.Length)
            {
                throw DataError.Line(display, line, $"the line has {fields.Length} field{(fields.Length == 1 ? "" : "s")}, expected {header.Length} (as in the header)");
            }
            for (var k = 0; k < wanted.Length; k++)
            {
                var field = fields[index[k]];
                if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                {
                    throw DataError.At(display, line, wanted[k], field, "cannot parse", "expected a finite number");
                }
                values[k].Add(v);
            }
        }
        if (line == 1)
        {
            throw DataError.File(display, "no data rows (expected at least one line after the header)");
        }
        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (var k = 0; k < wanted.Length; k++) { columns[wanted[k]] = [.. values[k]]; }
        return new NumericTable(display, columns, (int)(line - 1));
    }
}
