namespace Cvr.Data;

/// <summary>
/// Bad input data: carries where the problem is (file, 1-based line or row, column), the value seen and what
/// was expected, so a user can open the file at that spot. Every data error is raised through
/// <see cref="DataError"/> so the message format stays the same everywhere (tests pin it).
/// </summary>
public sealed class DataFormatException : CvrException
{
    internal DataFormatException(string message, string file, long? line, string? column, string? value)
        : base(message)
    {
        File = file;
        Line = line;
        Column = column;
        Value = value;
    }

    /// <summary>The file as the user knows it (relative to the data folder where there is one).</summary>
    public string File { get; }

    /// <summary>1-based line (text) or row (Parquet, counting data rows), when the problem has a position.</summary>
    public long? Line { get; }

    public string? Column { get; }

    public string? Value { get; }

    public override ErrorCategory Category => ErrorCategory.Data;
}

/// <summary>The one place that words data errors.</summary>
internal static class DataError
{
    /// <summary>Longest value echoed back in a message; the rest is elided so a binary file can't flood the terminal.</summary>
    private const int MaxEchoedValue = 60;

    public static DataFormatException At(string file, long line, string column, string value, string problem, string expected)
        => new($"{file}: line {line}, column {column}: {problem} '{Echo(value)}' ({expected})", file, line, column, value);

    public static DataFormatException AtRow(string file, long row, string column, string value, string problem, string expected)
        => new($"{file}: row {row}, column {column}: {problem} '{Echo(value)}' ({expected})", file, row, column, value);

    public static DataFormatException Line(string file, long line, string problem)
        => new($"{file}: line {line}: {problem}", file, line, null, null);

    public static DataFormatException File(string file, string problem)
        => new($"{file}: {problem}", file, null, null, null);

    public static DataFormatException Column(string file, string column, string problem)
        => new($"{file}: column {column}: {problem}", file, null, column, null);

    internal static string Echo(string value)
    {
        var printable = new System.Text.StringBuilder(Math.Min(value.Length, MaxEchoedValue + 3));
        foreach (var ch in value)
        {
            if (printable.Length >= MaxEchoedValue)
            {
                printable.Append("...");
                break;
            }
            printable.Append(ch switch
            {
                '\t' => "\\t",
                '\r' => "\\r",
                '\n' => "\\n",
                _ when char.IsControl(ch) => $"\\x{(int)ch:X2}",
                _ => ch.ToString(),
            });
        }
        return printable.ToString();
    }
}
