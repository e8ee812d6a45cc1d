namespace Cvr.Analysis;

/// <summary>What the paper reports (Tables 1–3, section 3.1), shown beside what the data says.</summary>
internal static class PaperTables
{
    public const string User = "user";
    public const string Ad = "ad";
    public const string Interaction = "interaction";

    /// <summary>Table 1's guessed domains, by column number.</summary>
    public static string? Domain(string column)
    {
        var n = Number(column);
        return n switch
        {
            5 or 8 or (>= 10 and <= 18) or 32 => User,
            (>= 2 and <= 4) or 6 or (>= 19 and <= 22) or 43 or 51 or 58 or 59 or (>= 64 and <= 70) => Ad,
            42 or (>= 44 and <= 50) or (>= 52 and <= 57) or (>= 60 and <= 63) or (>= 71 and <= 79) => Interaction,
            _ => null,
        };
    }

    /// <summary>Table 2's base values, as printed.</summary>
    public static string? Base(string column) => Number(column) switch
    {
        42 or (>= 52 and <= 57) or (>= 74 and <= 76) => "0.03856407",
        (>= 44 and <= 50) or (>= 71 and <= 73) => "0.57112147",
        60 => "8.07946039",
        61 => "0.147850899",
        62 => "0.129299709",
        63 => "0.355221093",
        >= 77 and <= 79 => "37.38457512",
        _ => null,
    };

    /// <summary>Section 3.1's dropped columns (f_7, constant, is dropped by the authors' code too).</summary>
    public static readonly IReadOnlySet<string> Dropped = new HashSet<string>(StringComparer.Ordinal) { "f_7", "f_9", "f_23", "f_24", "f_47", "f_49" };

    /// <summary>Table 3: duplicates and conflicts per split (train = days 45..65, validation = day 66, leaderboard = day 67).</summary>
    public static readonly IReadOnlyDictionary<string, (long Duplicates, long? Conflicts)> Duplicates =
        new Dictionary<string, (long, long?)>(StringComparer.Ordinal)
        {
            [SplitLayout.TrainName] = (20_017, 1_138),
            [SplitLayout.ValidationName] = (69, 8),
            [SplitLayout.TestName] = (163, null),
        };

    private static int Number(string column)
        => column.StartsWith("f_", StringComparison.Ordinal) && int.TryParse(column.AsSpan(2), out var n) ? n : -1;
}
