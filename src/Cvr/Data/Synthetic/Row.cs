namespace Cvr.Data.Synthetic;

/// <summary>One generated impression, reused row after row by a shard (no allocation per row).</summary>
internal sealed class Row
{
    /// <summary>Marks a missing categorical (only f_30, f_31 are ever missing).</summary>
    public const int Missing = -1;

    public long Id;
    public int Day;
    public int Ad;
    public int AppSlot;

    /// <summary>Value index per categorical column 2..32 (the code is <see cref="Domains.Code"/>); f_6's is the ad.</summary>
    public readonly int[] Index = new int[33];

    /// <summary>Whole counts of the count columns (index = column number); f_33..f_41 follow from f_71..f_79.</summary>
    public readonly long[] Count = new long[RealData.ColumnCount];

    public bool AdBlockMissing;

    public double PLike, PInstallGivenLike, PInstalled, PClicked;
    public bool Clicked, Installed;

    public int Hour => Index[11];

    /// <summary>Copies features, truth and labels (everything but the row id).</summary>
    public void CopyFrom(Row other)
    {
        Day = other.Day;
        Ad = other.Ad;
        AppSlot = other.AppSlot;
        other.Index.AsSpan().CopyTo(Index);
        other.Count.AsSpan().CopyTo(Count);
        AdBlockMissing = other.AdBlockMissing;
        PLike = other.PLike;
        PInstallGivenLike = other.PInstallGivenLike;
        PInstalled = other.PInstalled;
        PClicked = other.PClicked;
        Clicked = other.Clicked;
        Installed = other.Installed;
    }
}
