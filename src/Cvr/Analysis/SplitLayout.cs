using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>
/// The splits the report compares, as the paper uses them (2.2): train = every labelled day but the last,
/// validation = the last labelled day, test = the test folder. Rows of the train frame carry a split id so one
/// pass over a column fills every split's counts.
/// </summary>
internal sealed class SplitLayout
{
    public const string TrainName = "train";
    public const string ValidationName = "validation";
    public const string TestName = "test";

    private SplitLayout(Frame train, Frame? test, byte[] trainSplitOfRow, IReadOnlyList<string> names, int? validationDay)
    {
        TrainFrame = train;
        TestFrame = test;
        TrainSplitOfRow = trainSplitOfRow;
        Names = names;
        ValidationDay = validationDay;
    }

    public Frame TrainFrame { get; }

    public Frame? TestFrame { get; }

    /// <summary>For each row of <see cref="TrainFrame"/>, its split index (train or validation).</summary>
    public byte[] TrainSplitOfRow { get; }

    /// <summary>Split names in index order: train, then validation and test where present.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    public int? ValidationDay { get; }

    public int TrainIndex => 0;

    public int? ValidationIndex => ValidationDay is null ? null : 1;

    public int? TestIndex => TestFrame is null ? null : Count - 1;

    public static SplitLayout Of(Frame train, Frame? test)
    {
        var days = train.Days;
        var first = days.Length == 0 ? 0 : days.Min();
        var last = days.Length == 0 ? 0 : days.Max();
        // One day alone cannot be split into train and validation without leaving train empty.
        int? validationDay = last > first ? last : null;
        var splitOf = new byte[days.Length];
        if (validationDay is { } v)
        {
            for (var i = 0; i < days.Length; i++)
            {
                splitOf[i] = days[i] == v ? (byte)1 : (byte)0;
            }
        }
        var names = new List<string> { TrainName };
        if (validationDay is not null) { names.Add(ValidationName); }
        if (test is not null) { names.Add(TestName); }
        return new SplitLayout(train, test, splitOf, names, validationDay);
    }

    /// <summary>Row counts per split.</summary>
    public long[] RowCounts()
    {
        var counts = new long[Count];
        foreach (var s in TrainSplitOfRow) { counts[s]++; }
        if (TestIndex is { } t) { counts[t] = TestFrame!.RowCount; }
        return counts;
    }
}
