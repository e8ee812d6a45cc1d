using System.Text.Json.Serialization;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;

namespace Cvr.Deep;

/// <summary>One categorical feature: its embedding rows start at <see cref="Offset"/>; row <c>Offset</c> is the
/// out-of-vocabulary row, row <c>Offset + 1 + k</c> is <c>Values[k]</c> (sorted).</summary>
internal sealed record CategoricalInput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("offset")] long Offset,
    [property: JsonPropertyName("values")] float[] Values);

/// <summary>One numeric feature: signed log1p, then standardised with the training rows' mean and deviation;
/// missing values become 0 and, when the training rows had any, set a missing indicator. The raw column, when the
/// feature is a base column, tells missing apart from the pipeline's fill value.</summary>
internal sealed record NumericInput(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("raw_column")] string? RawColumn,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("deviation")] double Deviation,
    [property: JsonPropertyName("indicator")] bool Indicator);

/// <summary>Rows encoded for the network: row-major embedding rows and numerics.</summary>
internal sealed record EncodedRows(int Rows, int CategoricalWidth, int[] Categories, int NumericWidth, float[] Numerics);

/// <summary>
/// The deep model's inputs, fitted on the training rows' features (from the fitted feature pipeline): categorical
/// features (the pipeline's categorical base columns, date_mod and the crosses) become embedding rows, the other
/// features standardised numerics with missing indicators. The day column is left out: test days lie outside the
/// training range. Serialised into the bundle with the weights.
/// </summary>
internal sealed record MmoeInputEncoder(
    [property: JsonPropertyName("categoricals")] IReadOnlyList<CategoricalInput> Categoricals,
    [property: JsonPropertyName("numerics")] IReadOnlyList<NumericInput> Numerics)
{
    [JsonIgnore] public long Vocabulary => Categoricals.Sum(c => c.Values.Length + 1L);

    [JsonIgnore] public int NumericWidth => Numerics.Count + Numerics.Count(n => n.Indicator);

    public static MmoeInputEncoder Fit(FittedFeaturePipeline pipeline, FeatureMatrix features, Frame frame, int[]? rows, MmoeOptions options)
    {
        var categorical = pipeline.BaseColumns.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(c => c.Name)
            .Append(DateModStep.OutputName).Concat(pipeline.Crosses.Select(c => c.Name)).ToHashSet(StringComparer.Ordinal);
        var kinds = pipeline.BaseColumns.Columns.ToDictionary(c => c.Name, c => c.Kind, StringComparer.Ordinal);
        var categoricals = new List<CategoricalInput>();
        var numerics = new List<NumericInput>();
        long offset = 0;
        for (var j = 0; j < features.Columns; j++)
        {
            var name = features.Names[j];
            var kind = kinds.GetValueOrDefault(name, ColumnKind.Numeric);
            if (kind == ColumnKind.Day)
            {
                continue;
            }
            if (categorical.Contains(name))
            {
                var values = FitVocabulary(features.Column(j), options);
                categoricals.Add(new CategoricalInput(name, offset, values));
                offset += values.Length + 1;
                continue;
            }
            var raw = kinds.ContainsKey(name) && frame.TryGetNumeric(name, out _) ? name : null;
            numerics.Add(FitNumeric(name, raw, features.Column(j), frame, rows));
        }
        return new MmoeInputEncoder(categoricals, numerics);
    }

    /// <summary>The values seen at least <see cref="MmoeOptions.MinCount"/> times, the most frequent
    /// <see cref="MmoeOptions.MaxVocabulary"/> of them (ties by value), sorted.</summary>
    private static float[] FitVocabulary(ReadOnlySpan<float> column, MmoeOptions options)
    {
        var counts = new Dictionary<float, int>();
        foreach (var v in column) { counts[v] = counts.GetValueOrDefault(v) + 1; }
        return counts.Where(kv => kv.Value >= options.MinCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(options.MaxVocabulary)
            .Select(kv => kv.Key).Order().ToArray();
    }

    private static NumericInput FitNumeric(string name, string? raw, ReadOnlySpan<float> column, Frame frame, int[]? rows)
    {
        var rawValues = raw is null ? null : frame.Numeric(raw).Values;
        double sum = 0, sumSquares = 0;
        var present = 0;
        for (var i = 0; i < column.Length; i++)
        {
            if (IsMissing(column[i], rawValues, rows, i)) { continue; }
            var x = SignedLog(column[i]);
            sum += x;
            sumSquares += x * x;
            present++;
        }
        var mean = present == 0 ? 0 : sum / present;
        var variance = present == 0 ? 0 : Math.Max(0, sumSquares / present - mean * mean);
        var deviation = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        return new NumericInput(name, raw, mean, deviation, present < column.Length);
    }

    private static bool IsMissing(float value, float[]? raw, int[]? rows, int i)
        => float.IsNaN(value) || (raw is not null && float.IsNaN(raw[rows is null ? i : rows[i]]));

    private static double SignedLog(float v) => Math.Sign(v) * Math.Log(1 + Math.Abs((double)v));

    /// <summary>Encodes rows of <paramref name="frame"/> whose fitted features are <paramref name="features"/>.</summary>
    /// <exception cref="ConfigurationException">A feature the encoder was fitted on is not in the matrix.</exception>
    public EncodedRows Encode(FeatureMatrix features, Frame frame, int[]? rows)
    {
        var columns = ColumnsIn(features.Names);
        var n = features.Rows;
        var stride = Categoricals.Count;
        var categories = new int[(long)n * stride];
        for (var c = 0; c < stride; c++)
        {
            var column = features.Column(columns.Categoricals[c]);
            for (var i = 0; i < n; i++) { categories[(long)i * stride + c] = Category(Categoricals[c], column[i]); }
        }
        var width = NumericWidth;
        var numerics = new float[(long)n * width];
        var slot = 0;
        for (var k = 0; k < Numerics.Count; k++)
        {
            var input = Numerics[k];
            var column = features.Column(columns.Numerics[k]);
            var raw = input.RawColumn is null ? null : frame.Numeric(input.RawColumn).Values;
            for (var i = 0; i < n; i++)
            {
                Standardise(input, column[i], IsMissing(column[i], raw, rows, i), numerics.AsSpan((int)((long)i * width + slot)));
            }
            slot += input.Indicator ? 2 : 1;
        }
        return new EncodedRows(n, Categoricals.Count, categories, width, numerics);
    }

    /// <summary>Where each input is in a row of features named <paramref name="names"/>.</summary>
    /// <exception cref="ConfigurationException">A feature the encoder was fitted on is not among them.</exception>
    public (int[] Categoricals, int[] Numerics) ColumnsIn(IReadOnlyList<string> names)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < names.Count; j++) { index[names[j]] = j; }
        int Column(string name) => index.TryGetValue(name, out var j) ? j
            : throw new ConfigurationException($"the deep model's input {name} is not among the fitted features");
        return (Categoricals.Select(c => Column(c.Name)).ToArray(), Numerics.Select(n => Column(n.Name)).ToArray());
    }

    /// <summary>One value's global embedding row: the per-element function of batch and per-row encoding.</summary>
    public static int Category(CategoricalInput input, float value)
    {
        var k = Array.BinarySearch(input.Values, value);
        return (int)(input.Offset + (k >= 0 ? k + 1 : 0));
    }

    /// <summary>One numeric's standardised value (and missing indicator) into <paramref name="slot"/>: the
    /// per-element function of batch and per-row encoding.</summary>
    public static void Standardise(NumericInput input, float value, bool missing, Span<float> slot)
    {
        slot[0] = missing ? 0 : (float)((SignedLog(value) - input.Mean) / input.Deviation);
        if (input.Indicator) { slot[1] = missing ? 1 : 0; }
    }
}
