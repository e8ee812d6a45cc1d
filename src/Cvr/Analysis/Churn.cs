using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>An entity whose churn the report follows: a name for people (ads, apps) and the column holding its id.</summary>
public sealed record ChurnEntity(string Name, string Column);

/// <summary>
/// One day of one entity column. Shares and rates are over the rows that have a value (missing rows are counted in
/// <paramref name="Missing"/> and belong to no entity).
/// </summary>
/// <param name="NewRows">Rows whose entity never occurred on an earlier day (labelled or test).</param>
/// <param name="NewShare">NewRows over the rows with a value; null when every row is missing.</param>
/// <param name="Entities">Distinct entities on the day.</param>
/// <param name="NewEntities">Distinct entities first seen that day.</param>
/// <param name="NewInstallRate">Install rate of the rows on new entities (labelled days only; null without such rows).</param>
/// <param name="SeenInstallRate">Install rate of the rows on entities seen on an earlier day.</param>
/// <param name="NoEarlierDay">The first day of the data: every entity is new on it by construction.</param>
public sealed record ChurnDay(int Day, string Split, long Rows, long Missing, long NewRows, double? NewShare, int Entities,
    int NewEntities, double? NewInstallRate, double? SeenInstallRate, bool NoEarlierDay);

/// <summary>The churn of one entity column, day by day, and the test rows on entities unseen in every labelled day.</summary>
/// <param name="TestUnseenShare">Share of the test rows (with a value) whose entity never occurs in train or validation; null without a test split.</param>
public sealed record EntityChurn(string Entity, string Column, IReadOnlyList<ChurnDay> Days, long? TestUnseenRows,
    double? TestUnseenShare, int? TestUnseenEntities)
{
    /// <summary>The labelled days with an earlier day and a value: where the new share measures churn.</summary>
    public ChurnDay[] LabelledDaysAfterTheFirst()
        => Days.Where(d => !d.NoEarlierDay && d.Split != SplitLayout.TestName && d.NewShare is not null).ToArray();

    /// <summary>Install rates of the rows on new and on seen entities, pooled over the labelled days after the first (null without labels or rows).</summary>
    public (double? New, double? Seen) PooledInstallRates()
    {
        double newInstalls = 0, seenInstalls = 0;
        long newRows = 0, seenRows = 0;
        foreach (var d in LabelledDaysAfterTheFirst())
        {
            var seen = d.Rows - d.Missing - d.NewRows;
            if (d.NewInstallRate is { } n) { newInstalls += n * d.NewRows; newRows += d.NewRows; }
            if (d.SeenInstallRate is { } s) { seenInstalls += s * seen; seenRows += seen; }
        }
        return (newRows == 0 ? null : newInstalls / newRows, seenRows == 0 ? null : seenInstalls / seenRows);
    }
}

public sealed record ChurnReport(string Definition, IReadOnlyList<EntityChurn> Entities);

/// <summary>
/// Entity churn (issue 14): per day, the share of rows on entities (ads, apps) first seen that day, and the test
/// rows on entities unseen in training. Two passes over the entity column: the first day of every entity, then
/// per-day counts with one presence bit per (entity, day) for the distinct counts.
/// </summary>
internal static class Churn
{
    public const string Definition = "new = the row's entity value never occurs on an earlier day (labelled or test); "
        + "rows with a missing value belong to no entity: they are counted apart and left out of every share and rate; "
        + "the first day has no earlier day, so its new share is 100% by construction; "
        + "unseen in training = the test row's value occurs on no labelled day (train or validation)";

    public static ChurnReport Build(SplitLayout layout, IReadOnlyList<ChurnEntity> entities, ParallelOptions parallel)
    {
        var present = entities.Where(e => layout.TrainFrame.TryGetCategorical(e.Column, out _)).ToArray();
        var result = new EntityChurn[present.Length];
        Parallel.For(0, present.Length, parallel, i => result[i] = Of(layout, present[i]));
        return new ChurnReport(Definition, result);
    }

    internal static EntityChurn Of(SplitLayout layout, ChurnEntity entity)
    {
        var train = layout.TrainFrame;
        var trainColumn = train.Categorical(entity.Column);
        var test = layout.TestFrame;
        var testColumn = test is not null && test.TryGetCategorical(entity.Column, out var tc) ? tc : null;
        var (testCodes, entityCount) = SharedCodes(trainColumn, testColumn);

        var allDays = train.Days.Concat(test?.Days ?? []).ToArray();
        if (allDays.Length == 0) { return new EntityChurn(entity.Name, entity.Column, [], null, null, null); }
        int firstDay = allDays.Min(), dayCount = allDays.Max() - firstDay + 1;

        // The first day of each entity: over the labelled days alone (for unseen in training), then with the test days.
        var firstLabelled = new int[entityCount];
        Array.Fill(firstLabelled, int.MaxValue);
        FirstDays(trainColumn.Codes, train.Days, firstLabelled);
        var first = (int[])firstLabelled.Clone();
        if (testColumn is not null) { FirstDays(testCodes!, test!.Days, first); }

        // A slot is (source, day): source 0 = the train frame, 1 = the test frame, so a day in both stays apart.
        var slots = 2 * dayCount;
        var words = (slots + 63) / 64;
        var presence = new ulong[(long)entityCount * words];
        var counts = new SlotCounts(slots);
        var installed = train.HasLabels ? train.Label(Schema.InstallLabel).Values : null;
        Accumulate(trainColumn.Codes, train.Days, installed, 0, firstDay, first, presence, words, counts);
        long testUnseen = 0, testWithValue = 0;
        var unseenEntities = 0;
        if (testColumn is not null)
        {
            Accumulate(testCodes!, test!.Days, null, dayCount, firstDay, first, presence, words, counts);
            var unseen = new bool[entityCount];
            foreach (var c in testCodes!)
            {
                if (c < 0) { continue; }
                testWithValue++;
                if (firstLabelled[c] != int.MaxValue) { continue; }
                testUnseen++;
                if (!unseen[c]) { unseen[c] = true; unseenEntities++; }
            }
        }

        var distinct = new int[slots];
        var newDistinct = new int[slots];
        for (var c = 0; c < entityCount; c++)
        {
            for (var w = 0; w < words; w++)
            {
                var bits = presence[(long)c * words + w];
                while (bits != 0)
                {
                    var slot = w * 64 + System.Numerics.BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    distinct[slot]++;
                    if (first[c] == firstDay + slot % dayCount) { newDistinct[slot]++; }
                }
            }
        }

        var days = new List<ChurnDay>();
        for (var slot = 0; slot < slots; slot++)
        {
            if (counts.Rows[slot] == 0) { continue; }
            var day = firstDay + slot % dayCount;
            var isTest = slot >= dayCount;
            var split = isTest ? SplitLayout.TestName : day == layout.ValidationDay ? SplitLayout.ValidationName : SplitLayout.TrainName;
            var withValue = counts.Rows[slot] - counts.Missing[slot];
            var seenRows = withValue - counts.New[slot];
            var labelled = installed is not null && !isTest;
            days.Add(new ChurnDay(day, split, counts.Rows[slot], counts.Missing[slot], counts.New[slot],
                Share(counts.New[slot], withValue), distinct[slot], newDistinct[slot],
                labelled ? Share(counts.NewInstalls[slot], counts.New[slot]) : null,
                labelled ? Share(counts.SeenInstalls[slot], seenRows) : null,
                day == firstDay));
        }
        return testColumn is null
            ? new EntityChurn(entity.Name, entity.Column, days, null, null, null)
            : new EntityChurn(entity.Name, entity.Column, days, testUnseen, Share(testUnseen, testWithValue), unseenEntities);
    }

    private static double? Share(long part, long whole) => whole == 0 ? null : part / (double)whole;

    /// <summary>
    /// The test column's codes in the train column's code space (codes index the sorted raw values of each frame
    /// separately); a value only the test has gets a code after the train's. Returns the codes and the code count.
    /// </summary>
    private static (int[]? TestCodes, int Count) SharedCodes(CategoricalColumn train, CategoricalColumn? test)
    {
        if (test is null) { return (null, train.Cardinality); }
        var next = train.Cardinality;
        var map = new int[test.Cardinality];
        for (var i = 0; i < map.Length; i++)
        {
            var code = train.CodeOf(test.Levels[i]);
            map[i] = code == CategoricalColumn.Missing ? next++ : code;
        }
        var codes = new int[test.Codes.Length];
        for (var r = 0; r < codes.Length; r++)
        {
            var c = test.Codes[r];
            codes[r] = c == CategoricalColumn.Missing ? CategoricalColumn.Missing : map[c];
        }
        return (codes, next);
    }

    private static void FirstDays(int[] codes, int[] days, int[] first)
    {
        for (var r = 0; r < codes.Length; r++)
        {
            var c = codes[r];
            if (c >= 0 && days[r] < first[c]) { first[c] = days[r]; }
        }
    }

    private static void Accumulate(int[] codes, int[] days, byte[]? installed, int slotOffset, int firstDay, int[] first,
        ulong[] presence, int words, SlotCounts counts)
    {
        for (var r = 0; r < codes.Length; r++)
        {
            var slot = slotOffset + days[r] - firstDay;
            counts.Rows[slot]++;
            var c = codes[r];
            if (c < 0)
            {
                counts.Missing[slot]++;
                continue;
            }
            presence[(long)c * words + (slot >> 6)] |= 1UL << (slot & 63);
            if (first[c] == days[r])
            {
                counts.New[slot]++;
                if (installed is not null) { counts.NewInstalls[slot] += installed[r]; }
            }
            else if (installed is not null)
            {
                counts.SeenInstalls[slot] += installed[r];
            }
        }
    }

    private sealed class SlotCounts(int slots)
    {
        public long[] Rows { get; } = new long[slots];

        public long[] Missing { get; } = new long[slots];

        public long[] New { get; } = new long[slots];

        public long[] NewInstalls { get; } = new long[slots];

        public long[] SeenInstalls { get; } = new long[slots];
    }
}
