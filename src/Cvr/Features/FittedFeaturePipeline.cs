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

    /// <summary>The fitted steps, in output order (<see cref="FeatureSteps"/>): every listing below is read from them.</summary>
    internal IReadOnlyList<FittedStep> Steps => field ??= FeatureSteps.Of(this);

    /// <summary>Every column the steps compute, in their order: base columns, date_mod, crosses, group statistics,
    /// encodings, history. A step fitted only as another's input (a cross an encoding is keyed on) is here too.</summary>
    [JsonIgnore]
    public IReadOnlyList<FeatureColumn> AllColumns => field ??= [.. Steps.SelectMany(s => s.Outputs)];

    /// <summary>The names of <see cref="AllColumns"/>.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> AllFeatureNames => field ??= [.. AllColumns.Select(c => c.Name)];

    /// <summary>The output columns, in matrix order (<see cref="FeatureNames"/>).</summary>
    [JsonIgnore]
    public IReadOnlyList<FeatureColumn> Columns => field ??= Config.Keep is null
        ? AllColumns
        : [.. AllColumns.Where(c => Config.Keep.Contains(c.Name, StringComparer.Ordinal))];

    /// <summary>The fitted steps that give later steps a key (date_mod, crosses), by key.</summary>
    internal IReadOnlyDictionary<string, FittedStep> KeySteps => field ??= Steps.Where(s => s.Step.Key is not null).ToDictionary(s => s.Step.Key!, StringComparer.Ordinal);

    /// <summary>Whether a subset of rows gets the features it gets among all rows: not with a step that reads the
    /// row's day's other rows (group statistics over each day's rows, history's same-day share).</summary>
    internal bool Chunkable => Steps.All(s => s.Chunkable);

    /// <summary>The history steps; none in bundles written before the step existed.</summary>
    [JsonIgnore]
    public IReadOnlyList<FittedHistory> HistorySteps => History ?? [];

    /// <summary>The output columns, in matrix order: <see cref="AllFeatureNames"/> restricted to the config's
    /// <see cref="FeatureConfig.Keep"/> selection.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> FeatureNames => field ??= Config.Keep is null ? AllFeatureNames : [.. Columns.Select(c => c.Name)];

    /// <summary>This pipeline with only <paramref name="keep"/> as output (its statistics unchanged).</summary>
    /// <exception cref="ConfigurationException">A name that is not one of <see cref="AllFeatureNames"/>.</exception>
    public FittedFeaturePipeline Select(IReadOnlyList<string> keep)
    {
        FeatureSteps.CheckKept(AllFeatureNames, keep);
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
                throw new DataContentException($"the data lacks column {name}, which the fitted feature pipeline was trained with");
            }
        }
        return Transform(new FeatureInputs(frame, rows, BaseColumns, KeySteps), null, parallel ?? new ParallelOptions());
    }

    /// <summary>
    /// Writes every feature; each output block is one unit of parallel work that writes only its own columns, so
    /// the schedule can't change the result. With <paramref name="encoding"/>, target encodings of these (training)
    /// rows are computed by it (out of fold, as of their day); with <paramref name="seen"/>, crosses and group
    /// statistics configured as of the row's day read what the training rows of earlier days had.
    /// </summary>
    internal FeatureMatrix Transform(FeatureInputs inputs, TrainingEncoding? encoding, ParallelOptions parallel, SeenBefore? seen = null)
    {
        var matrix = new FeatureMatrix(FeatureNames, inputs.Count);
        var output = new BlockOutput(AllFeatureNames, FeatureNames, matrix);
        var stepInputs = new StepInputs(inputs, encoding, seen);
        var work = new List<Action>();
        var column = 0;
        foreach (var step in Steps)
        {
            foreach (var block in step.Blocks(stepInputs))
            {
                var target = output.Block(column, block.Width);
                column += block.Width;
                if (target.Wanted) { work.Add(() => target.Write(m => block.Write(m, target.First))); }
            }
        }
        Parallel.ForEach(work, parallel, w => w());
        return matrix;
    }

    /// <summary>The per-row path of this pipeline (see <see cref="RowTransform"/>); build it once and share it.</summary>
    public RowTransform CreateRowTransform() => new(this);

    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    public static FittedFeaturePipeline FromJson(string json)
        => JsonSerializer.Deserialize<FittedFeaturePipeline>(json, s_json)
            ?? throw new JsonException("the fitted feature pipeline is null");
}
