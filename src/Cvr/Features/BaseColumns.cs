using Cvr.Data;

namespace Cvr.Features;

/// <summary>One base column as the model sees it: missing → the fill value, counts divided by their base.</summary>
public sealed record BaseColumn(string Name, ColumnKind Kind, double Base);

/// <summary>
/// The paper's Table 2 (data-format.md): dividing these columns by their base and rounding gives whole counts.
/// The ad block (f_43, f_51, f_58, f_59, f_64..f_70) is continuous and has no base.
/// </summary>
public static class PaperBases
{
    public static IReadOnlyDictionary<string, double> Values { get; } = Build();

    private static Dictionary<string, double> Build()
    {
        var bases = new Dictionary<string, double>(StringComparer.Ordinal);
        void Set(double value, params int[] columns)
        {
            foreach (var c in columns) { bases[$"f_{c}"] = value; }
        }
        Set(0.03856407, 42, 52, 53, 54, 55, 56, 57, 74, 75, 76);
        Set(0.57112147, 44, 45, 46, 47, 48, 49, 50, 71, 72, 73);
        Set(8.07946039, 60);
        Set(0.147850899, 61);
        Set(0.129299709, 62);
        Set(0.355221093, 63);
        Set(37.38457512, 77, 78, 79);
        return bases;
    }
}

/// <summary>
/// Fitted step 1 (method-notes.md, preprocessing 1, 2, 6): the kept base columns, cleaned. Categorical values are
/// given to LightGBM as plain numbers, as the authors did. Nothing here is learned from labels.
/// </summary>
public sealed record FittedBaseColumns(float MissingValue, IReadOnlyList<BaseColumn> Columns, IReadOnlyDictionary<string, double> Bases)
{
    /// <summary>The base columns of <paramref name="schema"/> the config keeps: every column but labels, the row id and
    /// the dropped ones, in the schema's order.</summary>
    internal static IEnumerable<ColumnSpec> Kept(FeatureConfig config, Schema schema)
    {
        var drop = config.Drop.ToHashSet(StringComparer.Ordinal);
        return schema.Columns.Where(c => c.Kind is not (ColumnKind.Label or ColumnKind.RowId) && !drop.Contains(c.Name));
    }

    /// <summary>The fitted step from the bases found in the fitting rows (<paramref name="detected"/>, used by
    /// <see cref="BaseValueSource.Detect"/> only).</summary>
    internal static FittedBaseColumns Of(FeatureConfig config, Schema schema, IReadOnlyDictionary<string, double> detected)
    {
        var bases = config.BaseValues.Source switch
        {
            BaseValueSource.Detect => detected.Concat(config.BaseValues.Values)
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
            BaseValueSource.Paper => PaperBases.Values.Concat(config.BaseValues.Values)
                .GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal),
            BaseValueSource.Explicit => config.BaseValues.Values.ToDictionary(StringComparer.Ordinal),
            _ => new Dictionary<string, double>(StringComparer.Ordinal),
        };
        var columns = Kept(config, schema)
            .Select(c => new BaseColumn(c.Name, c.Kind, c.Kind == ColumnKind.Numeric && bases.TryGetValue(c.Name, out var b) ? b : 0))
            .ToArray();
        var present = bases.Where(kv => schema.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        return new FittedBaseColumns(config.MissingValue, columns, present);
    }

    /// <summary>The cleaned values of any base column of the frame (kept or not), for this step or others to read.</summary>
    public void Clean(Frame frame, string name, double baseValue, Span<float> output, int[]? rows)
    {
        var n = output.Length;
        var fill = MissingValue;
        if (name == Schema.DayColumn)
        {
            var days = frame.Days;
            for (var i = 0; i < n; i++) { output[i] = days[rows is null ? i : rows[i]]; }
            return;
        }
        if (frame.TryGetCategorical(name, out var categorical))
        {
            categorical.Decode(rows, fill, output);
            return;
        }
        var values = frame.Numeric(name).Values;
        var inverse = InverseOf(baseValue);
        for (var i = 0; i < n; i++)
        {
            output[i] = CleanNumber(values[rows is null ? i : rows[i]], inverse, fill);
        }
    }

    /// <summary>The multiplier <see cref="CleanNumber"/> takes for a base (0: no base).</summary>
    internal static double InverseOf(double baseValue) => baseValue > 0 ? 1.0 / baseValue : 0;

    /// <summary>
    /// One cleaned number (missing → <paramref name="fill"/>, a count ÷ its base rounded to a whole number when
    /// <paramref name="inverse"/> is not 0): the one definition, used per column by <see cref="Clean"/> and per row
    /// by <see cref="RowTransform"/>. A count past float32's range once divided (the reader takes values up to
    /// float32's maximum; ÷ 0.0386 is 26 times that) saturates at ±<see cref="float.MaxValue"/>: order kept, and no
    /// feature is ever infinite (an infinity made the deep model's standardisation NaN: inf − inf).
    /// </summary>
    internal static float CleanNumber(float value, double inverse, float fill)
        => float.IsNaN(value) ? fill : inverse != 0 ? (float)Math.Clamp(Math.Round(value * inverse), -float.MaxValue, float.MaxValue) : value;

    /// <summary>The base a numeric column is divided by, or 0 for none (also for dropped columns other steps read).</summary>
    public double BaseOf(string name) => Bases.TryGetValue(name, out var b) ? b : 0;
}
