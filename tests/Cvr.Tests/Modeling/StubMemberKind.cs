using System.Text.Json;
using Cvr.Data;
using Cvr.Modeling;
using Cvr.Tuning;
using Microsoft.Extensions.Logging;

namespace Cvr.Tests.Modeling;

/// <summary>An ensemble member kind that only has a name, options and a search space: what the core's option checks,
/// tuner messages and registries see of a kind, without an engine (training and loading are not called).</summary>
internal sealed class StubMemberKind(string name) : IEnsembleMemberKind
{
    public string Name => name;

    /// <summary>The sections <see cref="Options"/> was given, in order.</summary>
    public List<(IReadOnlyDictionary<string, string>? Section, string? Source)> Seen { get; } = [];

    /// <summary>Accepts "depth" as a whole number; refuses anything else, naming it as a kind should.</summary>
    public JsonElement Options(IReadOnlyDictionary<string, string>? section, string? source)
    {
        Seen.Add((section, source));
        foreach (var (key, value) in section ?? new Dictionary<string, string>())
        {
            if (key != "depth" || !int.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
            {
                throw new ConfigurationException($"{source}: parameters of '{Name}': {key}: not accepted");
            }
        }
        return JsonSerializer.SerializeToElement(section ?? new Dictionary<string, string>());
    }

    public SearchSpace SearchSpace() => new SearchSpace().Int("depth", 1, 4);

    public IReadOnlyDictionary<string, string> ToParameters(IReadOnlyDictionary<string, object> values)
        => values.ToDictionary(kv => kv.Key, kv => Convert.ToString(kv.Value, System.Globalization.CultureInfo.InvariantCulture)!);

    public (IEnsembleMember Member, double[] Validation) Train(Frame train, ModelInputs inputs, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct) => throw new NotSupportedException("a stub kind doesn't train");

    public IEnsembleMember Refit(Frame train, ModelInputs inputs, IEnsembleMember validated, TrainingOptions options, ILogger logger,
        PhaseTimer timer, IProgress<ModelProgress>? progress, CancellationToken ct) => throw new NotSupportedException("a stub kind doesn't train");

    public IEnsembleMember Load(string directory, BundledMember entry) => throw new NotSupportedException("a stub kind doesn't load");
}
