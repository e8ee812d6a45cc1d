using System.Globalization;

namespace Cvr.Tuning;

/// <summary>
/// Where a parameter's values come from. As in Optuna, every value has an internal form, a double, that samplers
/// work with: the number itself for floats and ints, the index of the choice for categoricals.
/// </summary>
public abstract record ParamDistribution
{
    private protected ParamDistribution()
    {
    }

    /// <summary>True when only one value is possible; samplers then return it without drawing.</summary>
    public abstract bool IsSingle { get; }

    /// <summary>The value a caller sees for an internal value.</summary>
    public abstract object ToExternal(double internalValue);

    /// <summary>The internal value of an external one; throws if it is not one of this distribution's values.</summary>
    public abstract double ToInternal(object value);

    /// <summary>Whether an internal value is one this distribution can produce.</summary>
    public abstract bool Contains(double internalValue);

    private protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// Real values in [Low, High], uniform on a log scale when <see cref="Log"/>, on the grid Low + k Step when a step is
/// given. As in Optuna, High is lowered to the last grid point, and log and step cannot be combined.
/// </summary>
public sealed record FloatDistribution : ParamDistribution
{
    public FloatDistribution(double low, double high, bool log = false, double? step = null)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
        {
            throw new ArgumentException($"A float distribution needs finite low <= high, not [{Format(low)}, {Format(high)}].");
        }
        if (log && low <= 0)
        {
            throw new ArgumentException($"A log-scaled float distribution needs low > 0, not {Format(low)}.");
        }
        if (step is { } s)
        {
            if (log)
            {
                throw new ArgumentException("A float distribution cannot have both a step and a log scale (as in Optuna).");
            }
            if (!(s > 0) || !double.IsFinite(s))
            {
                throw new ArgumentException($"A float distribution's step must be positive, not {Format(s)}.");
            }
            // Keep a high that is already on the grid as given, so 0.3 does not become 0.30000000000000004.
            double cells = (high - low) / s;
            if (Math.Abs(cells - Math.Round(cells)) > 1e-9 * Math.Max(1, cells))
            {
                high = low + Math.Floor(cells) * s;
            }
        }
        Low = low;
        High = high;
        Log = log;
        Step = step;
    }

    public double Low { get; }

    public double High { get; }

    public bool Log { get; }

    public double? Step { get; }

    public override bool IsSingle => Low == High;

    public override object ToExternal(double internalValue) => internalValue;

    public override double ToInternal(object value) => value switch
    {
        double d when Contains(d) => d,
        float f when Contains(f) => f,
        _ => throw new ArgumentException($"{value} is not a value of {this}."),
    };

    public override bool Contains(double internalValue) => internalValue >= Low && internalValue <= High;

    public override string ToString() =>
        $"float [{Format(Low)}, {Format(High)}]{(Log ? " log" : "")}{(Step is { } s ? $" step {Format(s)}" : "")}";
}

/// <summary>Integers in [Low, High] on the grid Low + k Step; log-scaled ones need step 1 and Low &gt;= 1 (Optuna's rules).</summary>
public sealed record IntDistribution : ParamDistribution
{
    public IntDistribution(int low, int high, bool log = false, int step = 1)
    {
        if (low > high)
        {
            throw new ArgumentException($"An int distribution needs low <= high, not [{low}, {high}].");
        }
        if (step < 1)
        {
            throw new ArgumentException($"An int distribution's step must be at least 1, not {step}.");
        }
        if (log && (low < 1 || step != 1))
        {
            throw new ArgumentException($"A log-scaled int distribution needs low >= 1 and step 1, not low {low} and step {step}.");
        }
        Low = low;
        High = (int)(low + (((long)high - low) / step) * step);
        Log = log;
        Step = step;
    }

    public int Low { get; }

    public int High { get; }

    public bool Log { get; }

    public int Step { get; }

    public override bool IsSingle => Low == High;

    public override object ToExternal(double internalValue) => (int)internalValue;

    public override double ToInternal(object value)
    {
        long v = value switch
        {
            int i => i,
            long l => l,
            double d when d == Math.Floor(d) => (long)d,
            _ => throw new ArgumentException($"{value} is not a value of {this}."),
        };
        return Contains(v) ? v : throw new ArgumentException($"{v} is not a value of {this}.");
    }

    public override bool Contains(double internalValue) =>
        internalValue >= Low && internalValue <= High && (internalValue - Low) % Step == 0;

    public override string ToString() => $"int [{Low}, {High}]{(Log ? " log" : "")}{(Step != 1 ? $" step {Step}" : "")}";
}
