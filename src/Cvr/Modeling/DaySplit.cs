using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>Which rows train and which validate: the validation day against every earlier labelled day.</summary>
/// <remarks>On a rank of a data-parallel job (<see cref="Ranks"/> set), <see cref="TrainRows"/> are this rank's own
/// training rows only, and <see cref="Ranks"/> places them among every rank's; the validation rows are every rank's.</remarks>
public sealed record DaySplit(int ValidationDay, int FirstTrainDay, int LastTrainDay, int[] TrainRows, int[] ValidationRows)
{
    /// <summary>Where <see cref="TrainRows"/> sit among every rank's training rows; null on one machine (they are all of them).</summary>
    public RankRows? Ranks { get; init; }

    /// <summary>Every rank's training rows: <see cref="TrainRows"/>' count on one machine.</summary>
    public int TotalTrainRows => Ranks?.Total ?? TrainRows.Length;

    /// <param name="validationDay">null: the last labelled day.</param>
    /// <param name="shards">On a rank of a data-parallel job, every rank's shards: the days are every rank's, and the
    /// training rows this rank's own (<see cref="RankShards.FrameRange"/>); null on one machine.</param>
    /// <exception cref="ConfigurationException">The day has no rows, or no labelled day comes before it.</exception>
    public static DaySplit Of(Frame train, int? validationDay, RankShards? shards = null)
    {
        var days = train.Days;
        int[] allDays = shards is null ? [.. days.Distinct().Order()] : shards.AllDays();
        var day = validationDay ?? allDays.Max();
        var (own, ownEnd) = shards?.FrameRange ?? (0, train.RowCount);
        var trainRows = new List<int>();
        var validRows = new List<int>();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] < day) { if (i >= own && i < ownEnd) { trainRows.Add(i); } }
            else if (days[i] == day) { validRows.Add(i); }
        }
        if (validRows.Count == 0)
        {
            throw new ConfigurationException("validation_day", $"{day} has no training rows (the labelled days are {allDays.Min()}..{allDays.Max()})");
        }
        if (!allDays.Any(d => d < day))
        {
            // One labelled day in all is the data's shape, which no other day can mend; the first of several is a choice.
            var problem = $"no labelled rows before validation day {day}: nothing to train on";
            throw allDays.Length > 1 ? new ConfigurationException(problem) : new DataContentException(problem + " (the data has one labelled day)");
        }
        var first = allDays.Where(d => d < day).Min();
        var last = allDays.Where(d => d < day).Max();
        return new DaySplit(day, first, last, [.. trainRows], [.. validRows]) { Ranks = shards?.RowsOf(d => d < day) };
    }

    /// <summary>Every labelled row trains and none validates: the refit after validation. On a rank of a data-parallel
    /// job (<paramref name="shards"/>), its own rows of every day.</summary>
    public static DaySplit AllDays(Frame train, RankShards? shards = null)
    {
        if (shards is null) { return new(int.MaxValue, train.Days.Min(), train.Days.Max(), [.. Enumerable.Range(0, train.RowCount)], []); }
        var allDays = shards.AllDays();
        var (start, end) = shards.FrameRange;
        return new(int.MaxValue, allDays.Min(), allDays.Max(), [.. Enumerable.Range(start, end - start)], []) { Ranks = shards.RowsOf(_ => true) };
    }

    public bool HasValidation => ValidationRows.Length > 0;

    /// <summary>The days and row counts, as the bundle's manifest records them: every rank's training rows.</summary>
    public DaySplitSummary Summary() => new(ValidationDay, FirstTrainDay, LastTrainDay, TotalTrainRows, ValidationRows.Length);
}
