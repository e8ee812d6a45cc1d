using System.Text;
using System.Text.Json;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// LightGBM's parameter names and aliases, read from the loaded library (<c>LGBM_DumpParamAliases</c>) so the
/// list always matches the binary rather than a hand-copied table.
/// </summary>
internal sealed class ParameterCatalog
{
    private static readonly Lazy<ParameterCatalog> s_instance = new(Load);

    // alias or main name -> main name
    private readonly Dictionary<string, string> _canonical;

    internal ParameterCatalog(IReadOnlyDictionary<string, IReadOnlyList<string>> aliasesByName)
    {
        _canonical = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, aliases) in aliasesByName)
        {
            _canonical[name] = name;
            foreach (var alias in aliases)
            {
                _canonical.TryAdd(alias, name);
            }
        }
    }

    internal static ParameterCatalog Instance => s_instance.Value;

    internal IEnumerable<string> AllNames => _canonical.Keys;

    /// <summary>Returns the main name of <paramref name="key"/>, or throws naming the closest valid names.</summary>
    internal string Resolve(string key)
    {
        if (_canonical.TryGetValue(key, out var canonical))
        {
            return canonical;
        }
        var suggestions = Suggest(key, 3);
        var hint = suggestions.Count == 0 ? string.Empty : $" Did you mean {string.Join(", ", suggestions.Select(s => $"'{s}'"))}?";
        throw new ArgumentException($"Unknown LightGBM parameter '{key}'.{hint}", nameof(key));
    }

    /// <summary>
    /// The main parameter names closest to <paramref name="key"/>, nearest first; a name's distance is that of
    /// its closest spelling (main name or alias), so a near-miss of an alias suggests the parameter itself.
    /// </summary>
    internal IReadOnlyList<string> Suggest(string key, int count)
    {
        // Up to half the key's length in edits (at least 3); beyond that a "suggestion" is noise.
        var limit = Math.Max(3, key.Length / 2);
        var lowered = key.ToLowerInvariant();
        return _canonical
            .Select(kv => (Name: kv.Value, Distance: EditDistance.Levenshtein(lowered, kv.Key)))
            .Where(c => c.Distance <= limit)
            .GroupBy(c => c.Name, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Distance: g.Min(c => c.Distance)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Take(count)
            .Select(c => c.Name)
            .ToList();
    }

    private static unsafe ParameterCatalog Load()
    {
        LightGbmLibrary.EnsureInitialized();
        // Size query first; the reported length includes the terminating NUL.
        NativeCheck.Check(NativeMethods.LGBM_DumpParamAliases(0, out var length, null), nameof(NativeMethods.LGBM_DumpParamAliases));
        var buffer = new byte[length];
        fixed (byte* p = buffer)
        {
            NativeCheck.Check(NativeMethods.LGBM_DumpParamAliases(length, out length, p), nameof(NativeMethods.LGBM_DumpParamAliases));
        }
        var json = Encoding.UTF8.GetString(buffer, 0, (int)Math.Max(0, length - 1));
        var parsed = JsonSerializer.Deserialize<Dictionary<string, string[]>>(json)
            ?? throw new LightGbmException("LGBM_DumpParamAliases returned no parameter table.");
        return new ParameterCatalog(parsed.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value));
    }
}

internal static class EditDistance
{
    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1), two-row dynamic programme.</summary>
    internal static int Levenshtein(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
