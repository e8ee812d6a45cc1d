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

    /// <summary>Fits on the training rows' features <paramref name="features"/> taken at once (rows of
    /// <paramref name="frame"/> at <paramref name="rows"/>; null: every row).</summary>
    public static MmoeInputEncoder Fit(FittedFeaturePipeline pipeline, FeatureMatrix features, Frame frame, int[]? rows, MmoeOptions options)
    {
        var fit = new Accumulator(pipeline, features.Names, frame, options);
        fit.Add(features, rows);
        return fit.Finish();
    }

    /// <summary>
    /// The encoder's statistics over training rows taken in chunks: each categorical's value counts and each
    /// numeric's present-value sums. Chunks added in row order give the encoder of the rows taken at once, bit for
    /// bit (the same additions in the same order); the counts and sums of separate row sets add up, so they merge.
    /// </summary>
    internal sealed class Accumulator
    {
        private readonly MmoeOptions _options;
        private readonly Frame _frame;
        private readonly IReadOnlyList<string> _names;
        private readonly List<(string Name, int Column, Dictionary<float, int> Counts)> _categoricals = [];
        private readonly List<(string Name, int Column, string? Raw, double[] Sums)> _numerics = []; // sum, sum of squares, present
        private long _rows;

        public Accumulator(FittedFeaturePipeline pipeline, IReadOnlyList<string> names, Frame frame, MmoeOptions options)
        {
            (_options, _frame, _names) = (options, frame, names);
            var columns = pipeline.AllColumns.ToDictionary(c => c.Name, StringComparer.Ordinal);
            for (var j = 0; j < names.Count; j++)
            {
                var name = names[j];
                var column = columns.GetValueOrDefault(name) ?? new FeatureColumn(name, ColumnKind.Numeric);
                if (column.Kind == ColumnKind.Day)
                {
                    continue;
                }
                if (column.Kind == ColumnKind.Categorical)
                {
                    _categoricals.Add((name, j, []));
                    continue;
                }
                var raw = column.FromRawColumn && frame.TryGetNumeric(name, out _) ? name : null;
                _numerics.Add((name, j, raw, new double[3]));
            }
        }

        /// <summary>Adds rows whose features are <paramref name="features"/> (named as the accumulator's), rows of the
        /// frame at <paramref name="rows"/> (null: the frame's first rows).</summary>
        public void Add(FeatureMatrix features, int[]? rows)
        {
            if (!features.Names.SequenceEqual(_names, StringComparer.Ordinal))
            {
                throw new ArgumentException("the chunk's features are not those the accumulator was made for", nameof(features));
            }
            var columns = _categoricals.Count + _numerics.Count;
            Parallel.For(0, columns, k =>
            {
                if (k < _categoricals.Count)
                {
                    var (_, j, counts) = _categoricals[k];
                    foreach (var v in features.Column(j)) { counts[v] = counts.GetValueOrDefault(v) + 1; }
                    return;
                }
                var (_, column, raw, sums) = _numerics[k - _categoricals.Count];
                var values = features.Column(column);
                var rawValues = raw is null ? null : _frame.Numeric(raw).Values;
                var (sum, sumSquares, present) = (sums[0], sums[1], sums[2]);
                for (var i = 0; i < values.Length; i++)
                {
                    if (IsMissing(values[i], rawValues, rows, i)) { continue; }
                    var x = SignedLog(values[i]);
                    sum += x;
                    sumSquares += x * x;
                    present++;
                }
                (sums[0], sums[1], sums[2]) = (sum, sumSquares, present);
            });
            _rows += features.Rows;
        }

        public MmoeInputEncoder Finish()
        {
            var categoricals = new List<CategoricalInput>();
            long offset = 0;
            foreach (var (name, _, counts) in _categoricals)
            {
                var values = FitVocabulary(counts, _options);
                categoricals.Add(new CategoricalInput(name, offset, values));
                offset += values.Length + 1;
            }
            var numerics = _numerics.Select(n => Numeric(n.Name, n.Raw, n.Sums[0], n.Sums[1], (long)n.Sums[2], _rows)).ToList();
            return new MmoeInputEncoder(categoricals, numerics);
        }
    }

    /// <summary>The values seen at least <see cref="MmoeOptions.MinCount"/> times, the most frequent
    /// <see cref="MmoeOptions.MaxVocabulary"/> of them (ties by value), sorted.</summary>
    private static float[] FitVocabulary(Dictionary<float, int> counts, MmoeOptions options)
        => counts.Where(kv => kv.Value >= options.MinCount)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(options.MaxVocabulary)
            .Select(kv => kv.Key).Order().ToArray();

    private static NumericInput Numeric(string name, string? raw, double sum, double sumSquares, long present, long rows)
    {
        var mean = present == 0 ? 0 : sum / present;
        var variance = present == 0 ? 0 : Math.Max(0, sumSquares / present - mean * mean);
        var deviation = variance > 1e-12 ? Math.Sqrt(variance) : 1;
        return new NumericInput(name, raw, mean, deviation, present < rows);
    }

    private static bool IsMissing(float value, float[]? raw, int[]? rows, int i)
        => float.IsNaN(value) || (raw is not null && float.IsNaN(raw[rows is null ? i : rows[i]]));

    private static double SignedLog(float v) => Math.Sign(v) * Math.Log(1 + Math.Abs((double)v));

    /// <summary>Encodes rows of <paramref name="frame"/> whose fitted features are <paramref name="features"/>.</summary>
    /// <exception cref="ModelBundleException">A feature the encoder was fitted on is not in the matrix.</exception>
    public EncodedRows Encode(FeatureMatrix features, Frame frame, int[]? rows)
    {
        var columns = ColumnsIn(features.Names);
        var n = features.Rows;
        var stride = Categoricals.Count;
        var width = NumericWidth;
        var categories = GC.AllocateUninitializedArray<int>(checked(n * stride));
        var numerics = GC.AllocateUninitializedArray<float>(checked(n * width));
        var raws = Numerics.Select(input => input.RawColumn is null ? null : frame.Numeric(input.RawColumn).Values).ToArray();
        // Blocks of rows in parallel: each row's values depend on that row alone, so the result is the same bits.
        const int block = 4096;
        Parallel.For(0, (n + block - 1) / block, b =>
        {
            var (from, to) = (b * block, Math.Min(n, (b + 1) * block));
            for (var c = 0; c < stride; c++)
            {
                var column = features.Column(columns.Categoricals[c]);
                for (var i = from; i < to; i++) { categories[i * stride + c] = Category(Categoricals[c], column[i]); }
            }
            var slot = 0;
            for (var k = 0; k < Numerics.Count; k++)
            {
                var input = Numerics[k];
                var column = features.Column(columns.Numerics[k]);
                for (var i = from; i < to; i++)
                {
                    Standardise(input, column[i], IsMissing(column[i], raws[k], rows, i), numerics.AsSpan(i * width + slot));
                }
                slot += input.Indicator ? 2 : 1;
            }
        });
        return new EncodedRows(n, Categoricals.Count, categories, width, numerics);
    }

    /// <summary>Where each input is in a row of features named <paramref name="names"/>.</summary>
    /// <exception cref="ModelBundleException">A feature the encoder was fitted on is not among them.</exception>
    public (int[] Categoricals, int[] Numerics) ColumnsIn(IReadOnlyList<string> names)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < names.Count; j++) { index[names[j]] = j; }
        int Column(string name) => index.TryGetValue(name, out var j) ? j
            : throw new ModelBundleException($"the deep model's input {name} is not among the fitted features");
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
