using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>Which rows train and which validate: the validation day against every earlier labelled day.</summary>
public sealed record DaySplit(int ValidationDay, int FirstTrainDay, int LastTrainDay, int[] TrainRows, int[] ValidationRows)
{
    /// <param name="validationDay">null: the last labelled day.</param>
    /// <exception cref="ConfigurationException">The day has no rows, or no labelled day comes before it.</exception>
    public static DaySplit Of(Frame train, int? validationDay)
    {
        var days = train.Days;
        var day = validationDay ?? days.Max();
        var trainRows = new List<int>();
        var validRows = new List<int>();
        for (var i = 0; i < days.Length; i++)
        {
            if (days[i] < day) { trainRows.Add(i); }
            else if (days[i] == day) { validRows.Add(i); }
        }
        if (validRows.Count == 0)
        {
            throw new ConfigurationException("validation_day", $"{day} has no training rows (the labelled days are {days.Min()}..{days.Max()})");
        }
        if (trainRows.Count == 0)
        {
            // One labelled day in all is the data's shape, which no other day can mend; the first of several is a choice.
            var problem = $"no labelled rows before validation day {day}: nothing to train on";
            throw days.Distinct().Skip(1).Any() ? new ConfigurationException(problem) : new DataContentException(problem + " (the data has one labelled day)");
        }
        var first = days.Where(d => d < day).Min();
        var last = days.Where(d => d < day).Max();
        return new DaySplit(day, first, last, [.. trainRows], [.. validRows]);
    }

    /// <summary>Every labelled row trains and none validates: the refit after validation.</summary>
    public static DaySplit AllDays(Frame train)
        => new(int.MaxValue, train.Days.Min(), train.Days.Max(), [.. Enumerable.Range(0, train.RowCount)], []);

    public bool HasValidation => ValidationRows.Length > 0;

    /// <summary>The days and row counts, as the bundle's manifest records them.</summary>
    public DaySplitSummary Summary() => new(ValidationDay, FirstTrainDay, LastTrainDay, TrainRows.Length, ValidationRows.Length);
}
