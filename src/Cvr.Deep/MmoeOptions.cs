using System.Text.Json.Serialization;
using Cvr.Modeling;

namespace Cvr.Deep;

/// <summary>
/// Hyperparameters of the multi-task deep model (the paper's Appendix A; <see cref="MmoeKind"/>): E expert
/// MLPs shared by three tasks through one softmax gate each, a tower per task (CTR = is_like, CVR = install given
/// like, CTCVR = is_installed), trained with Adam on a weighted sum of the tasks' losses.
/// </summary>
/// <remarks>
/// The defaults of the experts, embeddings, learning rate, batch size and CVR weight are the best of 20 trials of
/// <c>cvr tune --model mmoe</c> at scale 0.05, rounded, chosen on the validation day: they improved the validation
/// day's ensemble at scales 0.05 and 0.1 over the earlier 4 × 64 experts, embeddings of 8, Adam 0.002, batches of
/// 1,024 and CVR weight 1, which overfitted after one epoch (bench/results/mmoe.md, "Tuning the MMOE").
/// </remarks>
public sealed record MmoeOptions
{
    [JsonPropertyName("experts")] public int Experts { get; init; } = 2;

    [JsonPropertyName("expert_units")] public int ExpertUnits { get; init; } = 128;

    [JsonPropertyName("tower_units")] public int TowerUnits { get; init; } = 32;

    [JsonPropertyName("embedding_dim")] public int EmbeddingDim { get; init; } = 16;

    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 6.7e-3;

    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 512;

    [JsonPropertyName("max_epochs")] public int MaxEpochs { get; init; } = 12;

    /// <summary>Epochs without a better validation-day install logloss before training stops.</summary>
    [JsonPropertyName("patience")] public int Patience { get; init; } = 2;

    [JsonPropertyName("weight_ctr")] public double WeightCtr { get; init; } = 1;

    [JsonPropertyName("weight_cvr")] public double WeightCvr { get; init; } = 0.36;

    [JsonPropertyName("weight_ctcvr")] public double WeightCtcvr { get; init; } = 1;

    /// <summary>Per categorical column, at most this many values get their own embedding row (the most frequent);
    /// the rest share the out-of-vocabulary row.</summary>
    [JsonPropertyName("max_vocabulary")] public int MaxVocabulary { get; init; } = 10_000;

    /// <summary>Values seen fewer times on the training rows share the out-of-vocabulary row, so it is trained.</summary>
    [JsonPropertyName("min_count")] public int MinCount { get; init; } = 2;

    /// <summary>These options with the given values (names as in JSON, values as text: a --params file's "mmoe"
    /// section, or a tuning trial's <see cref="MmoeKind.ToParameters"/>).</summary>
    /// <exception cref="ConfigurationException">An unknown name or a value that doesn't parse, named.</exception>
    public MmoeOptions WithOverrides(IReadOnlyDictionary<string, string> values, string? source = null)
    {
        var result = this;
        foreach (var (name, text) in values)
        {
            var where = $"{(source is null ? "" : source + ": ")}parameters of 'mmoe': {name}";
            int Int() => int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
                : double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (int)d
                : throw new ConfigurationException($"{where}: cannot parse '{text}' as a whole number");
            double Real() => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
                : throw new ConfigurationException($"{where}: cannot parse '{text}' as a number");
            result = name switch
            {
                "experts" => result with { Experts = Int() },
                "expert_units" => result with { ExpertUnits = Int() },
                "tower_units" => result with { TowerUnits = Int() },
                "embedding_dim" => result with { EmbeddingDim = Int() },
                "learning_rate" => result with { LearningRate = Real() },
                "batch_size" => result with { BatchSize = Int() },
                "max_epochs" => result with { MaxEpochs = Int() },
                "patience" => result with { Patience = Int() },
                "weight_ctr" => result with { WeightCtr = Real() },
                "weight_cvr" => result with { WeightCvr = Real() },
                "weight_ctcvr" => result with { WeightCtcvr = Real() },
                "max_vocabulary" => result with { MaxVocabulary = Int() },
                "min_count" => result with { MinCount = Int() },
                _ => throw new ConfigurationException($"{where}: unknown MMOE parameter (expected {string.Join(", ", Names)})"),
            };
        }
        return result;
    }

    /// <summary>The parameter names <see cref="WithOverrides"/> knows.</summary>
    public static readonly string[] Names =
    [
        "experts", "expert_units", "tower_units", "embedding_dim", "learning_rate", "batch_size", "max_epochs", "patience",
        "weight_ctr", "weight_cvr", "weight_ctcvr", "max_vocabulary", "min_count",
    ];

    /// <exception cref="ConfigurationException">A value out of its range, named.</exception>
    public void Validate()
    {
        void Positive(string name, double value)
        {
            if (!(value > 0)) { throw new ConfigurationException($"mmoe: {name} must be positive, not {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}"); }
        }
        Positive("experts", Experts);
        Positive("expert_units", ExpertUnits);
        Positive("tower_units", TowerUnits);
        Positive("embedding_dim", EmbeddingDim);
        Positive("learning_rate", LearningRate);
        Positive("batch_size", BatchSize);
        Positive("max_epochs", MaxEpochs);
        Positive("patience", Patience);
        Positive("max_vocabulary", MaxVocabulary);
        Positive("min_count", MinCount);
        foreach (var (name, w) in new[] { ("weight_ctr", WeightCtr), ("weight_cvr", WeightCvr), ("weight_ctcvr", WeightCtcvr) })
        {
            if (!(w >= 0) || double.IsInfinity(w)) { throw new ConfigurationException($"mmoe: {name} must be a finite non-negative number"); }
        }
        if (WeightCtr + WeightCvr + WeightCtcvr <= 0) { throw new ConfigurationException("mmoe: at least one task weight must be positive"); }
    }
}
