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

    /// <summary>The fitting rows the tables are built from.</summary>
    protected FeatureInputs Fitting { get; } = fitting;

    /// <summary>Which table each of <paramref name="rows"/> reads (rows among the fitting rows).</summary>
    public abstract int[] TableOf(FeatureInputs rows);

    /// <summary>An encoder's tables (table, category, statistic), computed once.</summary>
    public float[][,] Tables(FittedBetaEncoder encoder)
    {
        Lazy<float[][,]> tables;
        lock (_tables)
        {
            if (!_tables.TryGetValue(encoder, out tables!))
            {
                _tables[encoder] = tables = new Lazy<float[][,]>(() =>
                {
                    var labels = FeaturePipeline.Select(Targets.Values(Fitting.Frame, encoder.Target), Fitting.Rows);
                    var space = Targets.SampleSpace(Fitting.Frame, encoder.Target) is { } s ? FeaturePipeline.Select(s, Fitting.Rows) : null;
                    return Build(encoder, Fitting.Keys(encoder.Column), labels, space);
                });
            }
        }
        return tables.Value;
    }

    /// <summary>The tables from every fitting row's key, label and sample-space weight (null: every row counts).</summary>
    protected abstract float[][,] Build(FittedBetaEncoder encoder, int[] keys, byte[] labels, byte[]? space);
}

/// <summary>
/// Out-of-fold target encoding of training rows: the fold plan, and each encoder's fold tables from every fitting
/// row (<see cref="BetaEncoding.FoldTables"/>).
/// </summary>
internal sealed class OutOfFold(FoldPlan plan, FeatureInputs fitting, ParallelOptions parallel) : TrainingEncoding(fitting)
{
    private readonly Lazy<byte[]> _fittingFolds = new(() => plan.Assign(fitting.Frame.RowIds, fitting.Rows));

    /// <summary>The folds of <paramref name="rows"/>' rows.</summary>
    public override int[] TableOf(FeatureInputs rows) => [.. plan.Assign(rows.Frame.RowIds, rows.Rows).Select(f => (int)f)];

    protected override float[][,] Build(FittedBetaEncoder encoder, int[] keys, byte[] labels, byte[]? space)
        => BetaEncoding.FoldTables(encoder, keys, labels, space, _fittingFolds.Value, plan.Folds, parallel);
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

    protected override float[][,] Build(FittedBetaEncoder encoder, int[] keys, byte[] labels, byte[]? space)
        => BetaEncoding.DayTables(encoder, keys, labels, space, days.Fitting, days.First, days.Count, parallel);
}

/// <summary>The fitting rows' days, for the steps that treat training rows as of their day (<see cref="AsOf"/>,
/// <see cref="SeenBefore"/>): each row's day is counted from the first fitting day.</summary>
internal sealed class TrainingDays(FeatureInputs fitting)
{
    private readonly Lazy<int[]> _fitting = new(fitting.Days);
    private (int First, int Count)? _range;

    /// <summary>The fitting rows' days.</summary>
    public int[] Fitting => _fitting.Value;

    /// <summary>The first fitting day.</summary>
    public int First => Range.First;

    /// <summary>The number of days from the first fitting day to the last.</summary>
    public int Count => Range.Count;

    private (int First, int Count) Range => _range ??= Fitting.Length == 0 ? (0, 0) : (Fitting.Min(), Fitting.Max() - Fitting.Min() + 1);

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
