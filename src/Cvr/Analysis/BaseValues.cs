namespace Cvr.Analysis;

/// <summary>A numeric column's base value (the paper's Table 2): dividing by it turns the values into whole counts.</summary>
/// <param name="Base">The detected base, or null when none explains the values.</param>
/// <param name="ExplainedShare">Share of non-missing rows whose value / base is a whole number (for the best candidate tried).</param>
/// <param name="ChanceShare">Share a column of random values would reach with the same tolerance: a base is only believed well above it.</param>
/// <param name="MaxCount">Largest value / base, rounded (the range of the restored count).</param>
/// <param name="Note">Why there is no base, or what kind of base it is.</param>
public sealed record BaseValueResult(string Column, double? Base, double ExplainedShare, double ChanceShare, long MaxCount, string Note, string? PaperBase);

/// <summary>
/// Finds a column's base value. The paper divided each column's maximum by its minimum; we take the smallest
/// positive value as the first candidate (it is 1 × base whenever a count of 1 occurs), try its integer fractions
/// (a gcd-like search for columns where 1 never occurs), keep the largest candidate that makes nearly every value
/// whole, and refine it by least squares over all values (the float32 data carry ~7 digits per value, the mean of
/// thousands of ratios carries more).
/// </summary>
internal static class BaseValues
{
    /// <summary>Share of rows that must be whole multiples for a base to count.</summary>
    public const double MinExplainedShare = 0.99;

    /// <summary>Above this chance share the test cannot tell a base from noise (values too large relative to the candidate).</summary>
    public const double MaxChanceShare = 0.25;

    /// <summary>Fractions of the smallest value tried: a count of 1 missing, but 2..12 present, is still found.</summary>
    public const int MaxDivisor = 12;

    /// <summary>Tolerance on value / base near zero (the ratio of two exact decimals rounded to float32).</summary>
    public const double AbsoluteTolerance = 1e-4;

    /// <summary>Relative tolerance: twice float32's rounding (2^-24), since values are held as float32.</summary>
    public const double RelativeTolerance = 1.0 / (1 << 23);

    public static BaseValueResult Detect(ColumnDistribution column, string? paperBase)
    {
        var counts = column.Pooled(Enumerable.Range(0, column.SplitCount).ToArray());
        var values = column.Values;
        long total = counts.Sum();
        var smallest = values.Where(v => v > 0).DefaultIfEmpty(double.NaN).Min();
        if (total == 0 || double.IsNaN(smallest))
        {
            return new BaseValueResult(column.Name, null, 0, 0, 0, "no positive values", paperBase);
        }
        (double Share, double Chance) first = default;
        for (var d = 1; d <= MaxDivisor; d++)
        {
            var candidate = smallest / d;
            var (share, chance) = Score(values, counts, total, candidate);
            if (d == 1) { first = (share, chance); }
            if (share < MinExplainedShare || chance > MaxChanceShare)
            {
                continue;
            }
            var refined = Refine(values, counts, candidate);
            (share, chance) = Score(values, counts, total, refined);
            var maxCount = (long)Math.Round(values.Max(Math.Abs) / refined);
            if (DecimalStep(refined) is { } decimals)
            {
                return new BaseValueResult(column.Name, null, share, chance, maxCount,
                    $"values are rounded to {decimals} decimals: a decimal step, not a count base", paperBase);
            }
            return new BaseValueResult(column.Name, refined, share, chance, maxCount,
                maxCount == 1 ? "a single positive value" : "whole multiples", paperBase);
        }
        var why = first.Chance > MaxChanceShare
            ? "no base: values too large relative to the smallest for a whole-number test"
            : "no base: values are not whole multiples of one value (continuous)";
        return new BaseValueResult(column.Name, null, first.Share, first.Chance, 0, why, paperBase);
    }

    /// <summary>Share of rows whose value / base is within tolerance of a whole number, and the share expected by chance.</summary>
    internal static (double Share, double Chance) Score(double[] values, long[] counts, long total, double candidate)
    {
        double hit = 0, chance = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var ratio = Math.Abs(values[i]) / candidate;
            var tolerance = Tolerance(ratio);
            if (Math.Abs(ratio - Math.Round(ratio)) <= tolerance) { hit += counts[i]; }
            // A zero is a whole multiple of anything: it counts as explained, but not as chance evidence.
            if (ratio > 0) { chance += counts[i] * Math.Min(1, 2 * tolerance); }
        }
        return (hit / total, chance / total);
    }

    internal static double Tolerance(double ratio) => AbsoluteTolerance + RelativeTolerance * ratio;

    /// <summary>The mean of value / count over the rows that are whole multiples (count ≥ 1).</summary>
    private static double Refine(double[] values, long[] counts, double candidate)
    {
        double vk = 0, kk = 0;
        for (var i = 0; i < values.Length; i++)
        {
            var v = Math.Abs(values[i]);
            var ratio = v / candidate;
            var k = Math.Round(ratio);
            if (k < 1 || Math.Abs(ratio - k) > Tolerance(ratio)) { continue; }
            // Each float32 value's error is relative to it, so every row's v/k estimates the base equally well:
            // a plain mean (rather than sum(v·k)/sum(k²), which the largest counts would dominate).
            vk += counts[i] * (v / k);
            kk += counts[i];
        }
        return kk == 0 ? candidate : vk / kk;
    }

    /// <summary>The number of decimals when the base is a power of ten (a rounding step, not a unit of counting).</summary>
    private static int? DecimalStep(double b)
    {
        var exponent = Math.Log10(b);
        var rounded = Math.Round(exponent);
        return rounded <= 0 && Math.Abs(exponent - rounded) < 1e-6 ? (int)-rounded : null;
    }
}
