using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The fitted, immutable pipeline: turns any frame with the training columns into the model's feature matrix, the
/// same way for training, validation, test and serving. Serialises to JSON (into the model bundle).
/// </summary>
public sealed record FittedFeaturePipeline(
    FeatureConfig Config,
    FittedBaseColumns BaseColumns,
    int? DateModulus,
    IReadOnlyList<FittedCross> Crosses,
    IReadOnlyList<FittedGroupStatistics> GroupStatistics,
    IReadOnlyList<FittedBetaEncoder> Encoders,
    IReadOnlyList<FittedHistory>? History,
    FeatureFingerprint Fingerprint)
{
    private static readonly JsonSerializerOptions s_json = new(FeatureConfigLoader.Options)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        WriteIndented = false,
    };

    /// <summary>Every feature the steps compute, in their order: base columns, date_mod, crosses, group statistics,
    /// encodings, history.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> AllFeatureNames => field ??= BaseColumns.Columns.Select(c => c.Name)
        .Concat(DateModulus is null ? [] : [DateModStep.OutputName])
        .Concat(Crosses.Select(c => c.Name))
        .Concat(GroupStatistics.SelectMany(g => g.OutputNames))
        .Concat(Encoders.SelectMany(e => e.OutputNames))
        .Concat(HistorySteps.SelectMany(h => h.OutputNames))
        .ToArray();

    /// <summary>The history steps; none in bundles written before the step existed.</summary>
    [JsonIgnore]
    public IReadOnlyList<FittedHistory> HistorySteps => History ?? [];

    /// <summary>The output columns, in matrix order: <see cref="AllFeatureNames"/> restricted to the config's
    /// <see cref="FeatureConfig.Keep"/> selection.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FeatureNames => field ??= Config.Keep is null
        ? AllFeatureNames
        : AllFeatureNames.Where(new HashSet<string>(Config.Keep, StringComparer.Ordinal).Contains).ToArray();

    /// <summary>This pipeline with only <paramref name="keep"/> as output (its statistics unchanged).</summary>
    /// <exception cref="ConfigurationException">A name that is not one of <see cref="AllFeatureNames"/>.</exception>
    public FittedFeaturePipeline Select(IReadOnlyList<string> keep)
    {
        var known = new HashSet<string>(AllFeatureNames, StringComparer.Ordinal);
        for (var i = 0; i < keep.Count; i++)
        {
            if (!known.Contains(keep[i]))
            {
                throw new ConfigurationException($"keep[{i}]: '{keep[i]}' is not a feature of this pipeline (expected one of the names in docs/features.md)");
            }
        }
        // A new record, not `with`: `with` would copy the cached FeatureNames of this one.
        return new FittedFeaturePipeline(Config with { Keep = keep }, BaseColumns, DateModulus, Crosses, GroupStatistics, Encoders, History, Fingerprint);
    }

    /// <summary>Features of <paramref name="rows"/> of <paramref name="frame"/> (all rows when null), with the full fit;
    /// the same at any degree of <paramref name="parallel"/>ism.</summary>
    public FeatureMatrix Transform(Frame frame, int[]? rows = null, ParallelOptions? parallel = null)
    {
        foreach (var name in Fingerprint.Columns)
        {
            if (!frame.Schema.Contains(name))
            {
                throw new ConfigurationException($"the data lacks column {name}, which the fitted feature pipeline was trained with");
            }
        }
        return Transform(new FeatureInputs(frame, rows, BaseColumns, DateModulus ?? 1, Crosses), null, parallel ?? new ParallelOptions());
    }

    /// <summary>
    /// Writes every feature; each output block is one unit of parallel work that writes only its own columns, so
    /// the schedule can't change the result. With <paramref name="outOfFold"/>, target encodings of these (training) rows are out of fold.
    /// </summary>
    internal FeatureMatrix Transform(FeatureInputs inputs, OutOfFold? outOfFold, ParallelOptions parallel)
    {
        var matrix = new FeatureMatrix(FeatureNames, inputs.Count);
        var output = new BlockOutput(AllFeatureNames, FeatureNames, matrix);
        var work = new List<Action>();
        var column = 0;
        foreach (var c in BaseColumns.Columns)
        {
            var block = output.Block(column++, 1);
            if (block.Wanted) { work.Add(() => block.Write(m => BaseColumns.Clean(inputs.Frame, c.Name, c.Base, m.Column(block.First), inputs.Rows))); }
        }
        if (DateModulus is not null)
        {
            var block = output.Block(column++, 1);
            if (block.Wanted) { work.Add(() => block.Write(m => CopyKeys(inputs.Keys(DateModStep.OutputName), m.Column(block.First)))); }
        }
        foreach (var cross in Crosses)
        {
            var block = output.Block(column++, 1);
            if (block.Wanted) { work.Add(() => block.Write(m => CopyKeys(inputs.Keys(cross.Name), m.Column(block.First)))); }
        }
        foreach (var g in GroupStatistics)
        {
            var block = output.Block(column, FittedGroupStatistics.StatisticNames.Length);
            column += FittedGroupStatistics.StatisticNames.Length;
            if (!block.Wanted) { continue; }
            if (Config.GroupStatistics.Scope == StatisticsScope.Day)
            {
                work.Add(() => block.Write(m => g.TransformByDay(inputs.Keys(g.Group), inputs.Numeric(g.Value), inputs.Days(), m, block.First)));
            }
            else
            {
                work.Add(() => block.Write(m => g.Transform(inputs.Keys(g.Group), inputs.Numeric(g.Value), m, block.First)));
            }
        }
        var folds = outOfFold is null ? null : new Lazy<byte[]>(() => outOfFold.Folds(inputs));
        foreach (var e in Encoders)
        {
            var block = output.Block(column, e.Statistics.Count);
            column += e.Statistics.Count;
            if (!block.Wanted) { continue; }
            work.Add(() => block.Write(m =>
            {
                if (folds is null)
                {
                    BetaEncoding.Transform(e, inputs.Keys(e.Column), m, block.First);
                }
                else
                {
                    BetaEncoding.WriteOutOfFold(e, outOfFold!.Tables(e), inputs.Keys(e.Column), folds.Value, m, block.First);
                }
            }));
        }
        foreach (var h in HistorySteps)
        {
            var block = output.Block(column, h.Width);
            column += h.Width;
            if (block.Wanted) { work.Add(() => block.Write(m => h.Transform(HistoryKeys.For(inputs, h.Key), inputs.Days(), m, block.First))); }
        }
        Parallel.ForEach(work, parallel, w => w());
        return matrix;
    }

    private static void CopyKeys(int[] keys, Span<float> output)
    {
        for (var i = 0; i < keys.Length; i++) { output[i] = keys[i]; }
    }

    /// <summary>The per-row path of this pipeline (see <see cref="RowTransform"/>); build it once and share it.</summary>
    public RowTransform CreateRowTransform() => new(this);

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static FittedFeaturePipeline FromJson(string json)
        => JsonSerializer.Deserialize<FittedFeaturePipeline>(json, s_json)
            ?? throw new JsonException("the fitted feature pipeline is null");
}
