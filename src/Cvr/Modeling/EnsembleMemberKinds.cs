namespace Cvr.Modeling;

/// <summary>
/// The member kinds a program can train, tune and load, by name: built once by the program (the CLI's holds
/// <c>Cvr.Deep</c>'s) and passed to the trainer, the workflow, the tuner, option checks and bundle loading.
/// Immutable, so two instances in one process never see each other's kinds, and nothing is registered globally.
/// </summary>
public sealed class EnsembleMemberKinds
{
    private readonly Dictionary<string, IEnsembleMemberKind> _kinds = new(StringComparer.Ordinal);

    /// <summary>No kinds: enough for systems without members.</summary>
    public static EnsembleMemberKinds Empty { get; } = new();

    /// <exception cref="ArgumentException">Two kinds share a name.</exception>
    public EnsembleMemberKinds(params IEnumerable<IEnsembleMemberKind> kinds)
    {
        foreach (var kind in kinds)
        {
            if (!_kinds.TryAdd(kind.Name, kind))
            {
                throw new ArgumentException($"two ensemble member kinds are named '{kind.Name}'", nameof(kinds));
            }
        }
        Names = [.. _kinds.Keys.Order(StringComparer.Ordinal)];
    }

    /// <summary>The kinds' names, sorted.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IEnsembleMemberKind kind)
        => _kinds.TryGetValue(name, out kind);

    /// <summary>The kind named <paramref name="name"/>, for training.</summary>
    /// <exception cref="ConfigurationException">No such kind here, naming the ones there are.</exception>
    public IEnsembleMemberKind Get(string name)
        => TryGet(name, out var kind) ? kind : throw new ConfigurationException($"unknown ensemble member '{name}' (expected {Known})");

    /// <summary>The names for a message: "a, b", or why there are none.</summary>
    internal string Known => Names.Count == 0
        ? "none: no member kinds were given to this program (pass an EnsembleMemberKinds that holds them)"
        : string.Join(", ", Names);
}
