using System.Collections;

namespace Cvr.Tuning;

/// <summary>
/// A named, ordered set of distributions, declared once and sampled with <see cref="Trial.Suggest(SearchSpace)"/>:
/// <code>
/// var space = new SearchSpace()
///     .Float("learning_rate", 1e-3, 0.3, log: true)
///     .Int("num_leaves", 15, 255, log: true)
///     .Categorical("boosting", "gbdt", "dart");
/// </code>
/// </summary>
public sealed class SearchSpace : IEnumerable<KeyValuePair<string, ParamDistribution>>
{
    private readonly List<KeyValuePair<string, ParamDistribution>> _entries = [];

    public int Count => _entries.Count;

    public ParamDistribution this[string name]
    {
        get => _entries.First(e => e.Key == name).Value;
        set => Add(name, value);
    }

    public SearchSpace Add(string name, ParamDistribution distribution)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(distribution);
        if (_entries.Any(e => e.Key == name))
        {
            throw new ArgumentException($"The search space already has a parameter '{name}'.", nameof(name));
        }
        _entries.Add(new(name, distribution));
        return this;
    }

    public SearchSpace Float(string name, double low, double high, bool log = false, double? step = null) =>
        Add(name, new FloatDistribution(low, high, log, step));

    public SearchSpace Int(string name, int low, int high, bool log = false, int step = 1) =>
        Add(name, new IntDistribution(low, high, log, step));

    public SearchSpace Categorical<T>(string name, params T[] choices)
        where T : notnull =>
        Add(name, new CategoricalDistribution(choices.Select(c => (object)c)));

    public IEnumerator<KeyValuePair<string, ParamDistribution>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
