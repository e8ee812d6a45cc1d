namespace Cvr.Features;

/// <summary>
/// How target encodings of training rows are computed when not with the full fit: each training row reads one of
/// several tables built from the fitting rows that exclude it (<see cref="OutOfFold"/>: the other folds;
/// <see cref="AsOf"/>: the earlier days). Each encoder's tables are computed on first use from every fitting row and
/// shared by every chunk, so a row's values don't depend on the chunk it is written in.
/// </summary>
internal abstract class TrainingEncoding(FeatureInputs fitting)
{
    private readonly Dictionary<FittedBetaEncoder, Lazy<float[][,]>> _tables = new(ReferenceEqualityComparer.Instance);

    /// <summary>Each counted row set's slots, computed once and shared by every encoder (a fold is a hash of every row's
    /// id, a day an index of every row's day).</summary>
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<FeatureInputs, int[]> _slots = [];

    /// <summary>The fitting rows the tables are built from.</summary>
    protected FeatureInputs Fitting { get; } = fitting;

    /// <summary>Which table each of <paramref name="rows"/> reads (rows among the fitting rows).</summary>
    public abstract int[] TableOf(FeatureInputs rows);

    /// <summary>An encoder's tables (table, category, statistic), computed once: from every fitting row, or from the
    /// counts given to <see cref="SetCounts"/>.</summary>
    public float[][,] Tables(FittedBetaEncoder encoder)
    {
        Lazy<float[][,]> tables;
        lock (_tables)
        {
            if (!_tables.TryGetValue(encoder, out tables!))
            {
                _tables[encoder] = tables = new Lazy<float[][,]>(() => Build(encoder, Count(encoder, Fitting)));
            }
        }
        return tables.Value;
    }

    /// <summary>The counts by slot of <paramref name="rows"/> (some of the fitting rows: a rank's block) that an
    /// encoder's tables are built from; the counts of blocks of the fitting rows add up to those of every one.</summary>
    public SlotCounts Count(FittedBetaEncoder encoder, FeatureInputs rows)
    {
        var labels = FeaturePipeline.Select(Targets.Values(rows.Frame, encoder.Target), rows.Rows);
        var space = Targets.SampleSpace(rows.Frame, encoder.Target) is { } s ? FeaturePipeline.Select(s, rows.Rows) : null;
        var counts = new SlotCounts(Slots, encoder.Keys.Length);
        counts.Add(KeyIndex.Map(rows.Keys(encoder.Column), encoder.Index), labels, space, _slots.GetValue(rows, SlotOf));
        return counts;
    }

    /// <summary>Sets an encoder's tables from the counts of every fitting row (every rank's blocks, summed), so they
    /// are not counted from <see cref="Fitting"/>.</summary>
    public void SetCounts(FittedBetaEncoder encoder, SlotCounts counts)
    {
        var tables = Build(encoder, counts);
        lock (_tables) { _tables[encoder] = new Lazy<float[][,]>(() => tables); }
    }

    /// <summary>The number of slots the counts are kept in.</summary>
    protected abstract int Slots { get; }

    /// <summary>Each row's slot.</summary>
    protected abstract int[] SlotOf(FeatureInputs rows);

    /// <summary>The tables from every fitting row's counts.</summary>
    protected abstract float[][,] Build(FittedBetaEncoder encoder, SlotCounts counts);
}

/// <summary>
/// Out-of-fold target encoding of training rows: the fold plan, and each encoder's fold tables from every fitting
/// row's counts by fold (<see cref="BetaEncoding.FoldTables"/>).
/// </summary>
internal sealed class OutOfFold(FoldPlan plan, FeatureInputs fitting, ParallelOptions parallel) : TrainingEncoding(fitting)
{
    /// <summary>The folds of <paramref name="rows"/>' rows.</summary>
    public override int[] TableOf(FeatureInputs rows) => [.. plan.Assign(rows.Frame.RowIds, rows.Rows).Select(f => (int)f)];

    protected override int Slots => plan.Folds;

    protected override int[] SlotOf(FeatureInputs rows) => TableOf(rows);

    protected override float[][,] Build(FittedBetaEncoder encoder, SlotCounts counts) => BetaEncoding.FoldTables(encoder, counts, parallel);
}

/// <summary>
/// As-of target encoding of training rows (<see cref="TargetEncodingMode.AsOf"/>): a row on day d reads the table of
/// day d, built from the fitting rows of days before d only (<see cref="BetaEncoding.DayTables"/>) — its own day's
/// labels and every later day's never reach it, and a category new on day d gets the prior, as a new category gets
/// it on the test day. Validation, test and served rows are encoded with the full fit, which holds every training day.
/// </summary>
internal sealed class AsOf(TrainingDays days, FeatureInputs fitting, ParallelOptions parallel) : TrainingEncoding(fitting)
{
    /// <summary>Each row's day, counted from the first fitting day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row outside the fitting rows' days (only training rows are encoded as of their day).</exception>
    public override int[] TableOf(FeatureInputs rows) => days.IndexOf(rows);

    /// <summary>Slot t + 1 holds day t's counts (slot 0 stays empty: the prefix sums' start).</summary>
    protected override int Slots => days.Count + 1;

    protected override int[] SlotOf(FeatureInputs rows) => [.. days.IndexOf(rows).Select(t => t + 1)];

    protected override float[][,] Build(FittedBetaEncoder encoder, SlotCounts counts) => BetaEncoding.DayTables(encoder, counts, parallel);
}

/// <summary>The fitting rows' days, for the steps that treat training rows as of their day (<see cref="AsOf"/>,
/// <see cref="SeenBefore"/>): each row's day is counted from the first fitting day.</summary>
internal sealed class TrainingDays
{
    private readonly FeatureInputs _fitting;
    private (int First, int Count)? _range;

    /// <summary>The days of <paramref name="fitting"/>, read from them when first needed.</summary>
    public TrainingDays(FeatureInputs fitting) => _fitting = fitting;

    /// <summary>The days of <paramref name="fitting"/>, which span <paramref name="range"/> (every rank's blocks' days,
    /// exchanged: <see cref="RangeOf"/>), so every fitting row's day is not read to find it.</summary>
    public TrainingDays(FeatureInputs fitting, (int First, int Count) range) : this(fitting) => _range = range;

    /// <summary>The first fitting day.</summary>
    public int First => Range.First;

    /// <summary>The number of days from the first fitting day to the last.</summary>
    public int Count => Range.Count;

    private (int First, int Count) Range => _range ??= RangeOf(_fitting.Days());

    /// <summary>The first day of <paramref name="days"/> and the number of days from it to the last; (0, 0) for none.</summary>
    public static (int First, int Count) RangeOf(int[] days) => days.Length == 0 ? (0, 0) : (days.Min(), days.Max() - days.Min() + 1);

    /// <summary>Each row's day, counted from the first fitting day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A row outside the fitting rows' days (only training rows are
    /// written as of their day).</exception>
    public int[] IndexOf(FeatureInputs rows)
    {
        var (first, count) = Range;
        var days = rows.Days();
        var index = new int[days.Length];
        for (var r = 0; r < days.Length; r++)
        {
            var t = days[r] - first;
            if ((uint)t >= (uint)count) { throw new ArgumentOutOfRangeException(nameof(rows), $"day {days[r]} is not one of the training days"); }
            index[r] = t;
        }
        return index;
    }
}
