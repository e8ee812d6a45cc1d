namespace Cvr.Data.Synthetic;

internal enum ColumnKind : byte { RowId, Day, Categorical, Binary, Count, AdBlock }

/// <summary>
/// A base value of the paper's Table 2 as an exact decimal (mantissa × 10^-decimals), so that a count is written
/// as the exact decimal count × base using integer arithmetic only (fast, and the text round-trips exactly).
/// </summary>
internal readonly record struct DecimalBase(long Mantissa, int Decimals);

/// <summary>The 80 feature columns: kind, base value of count columns, slot in the ad block. Layout per data-format.md.</summary>
internal static class Columns
{
    public static readonly DecimalBase Base42 = new(3856407, 8);      // 0.03856407: f_42, f_52..f_57, f_74..f_76
    public static readonly DecimalBase Base44 = new(57112147, 8);     // 0.57112147: f_44..f_50, f_71..f_73
    public static readonly DecimalBase Base60 = new(807946039, 8);    // 8.07946039
    public static readonly DecimalBase Base61 = new(147850899, 9);    // 0.147850899
    public static readonly DecimalBase Base62 = new(129299709, 9);    // 0.129299709
    public static readonly DecimalBase Base63 = new(355221093, 9);    // 0.355221093
    public static readonly DecimalBase Base77 = new(3738457512, 8);   // 37.38457512: f_77..f_79

    /// <summary>Decimals kept for the continuous ad-block columns, in <see cref="RealData.AdBlockColumns"/> order.</summary>
    public static ReadOnlySpan<int> AdBlockDecimals => [4, 4, 4, 2, 1, 1, 4, 4, 4, 4, 4];

    public static readonly ColumnKind[] Kinds = BuildKinds();
    public static readonly DecimalBase[] Bases = BuildBases();

    /// <summary>For an ad-block column, its slot 0..10; -1 elsewhere.</summary>
    public static readonly int[] AdBlockSlot = BuildAdBlockSlots();

    public static bool IsCount(int column) => Kinds[column] == ColumnKind.Count;

    private static ColumnKind[] BuildKinds()
    {
        var kinds = new ColumnKind[RealData.ColumnCount];
        kinds[0] = ColumnKind.RowId;
        kinds[1] = ColumnKind.Day;
        for (int c = 2; c <= 32; c++) kinds[c] = ColumnKind.Categorical;
        for (int c = 33; c <= 41; c++) kinds[c] = ColumnKind.Binary;
        for (int c = 42; c <= 79; c++) kinds[c] = ColumnKind.Count;
        foreach (int c in RealData.AdBlockColumns) kinds[c] = ColumnKind.AdBlock;
        return kinds;
    }

    private static DecimalBase[] BuildBases()
    {
        var bases = new DecimalBase[RealData.ColumnCount];
        bases[42] = Base42;
        for (int c = 52; c <= 57; c++) bases[c] = Base42;
        for (int c = 74; c <= 76; c++) bases[c] = Base42;
        for (int c = 44; c <= 50; c++) bases[c] = Base44;
        for (int c = 71; c <= 73; c++) bases[c] = Base44;
        bases[60] = Base60;
        bases[61] = Base61;
        bases[62] = Base62;
        bases[63] = Base63;
        for (int c = 77; c <= 79; c++) bases[c] = Base77;
        return bases;
    }

    private static int[] BuildAdBlockSlots()
    {
        var slots = new int[RealData.ColumnCount];
        Array.Fill(slots, -1);
        for (int i = 0; i < RealData.AdBlockColumns.Length; i++) slots[RealData.AdBlockColumns[i]] = i;
        return slots;
    }
}
