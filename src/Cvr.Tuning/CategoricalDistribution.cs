using System.Globalization;

namespace Cvr.Tuning;

/// <summary>
/// One of a fixed list of choices: strings, booleans, integers or floating-point numbers (mixed if you like).
/// Choices are kept in a normal form (integers as long, floats as double) so that a distribution read back from a
/// study file equals the one the code declares.
/// </summary>
public sealed record CategoricalDistribution : ParamDistribution
{
    private readonly object[] _choices;

    public CategoricalDistribution(IEnumerable<object> choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        _choices = [.. choices.Select(Normalize)];
        if (_choices.Length == 0)
        {
            throw new ArgumentException("A categorical distribution needs at least one choice.");
        }
        for (int i = 0; i < _choices.Length; i++)
        {
            if (IndexOf(_choices[i]) != i)
            {
                throw new ArgumentException($"A categorical distribution's choices must be distinct; {Describe(_choices[i])} repeats.");
            }
        }
    }

    public IReadOnlyList<object> Choices => _choices;

    public override bool IsSingle => _choices.Length == 1;

    public override object ToExternal(double internalValue) => _choices[(int)internalValue];

    public override double ToInternal(object value)
    {
        int index = IndexOf(Normalize(value));
        return index >= 0 ? index : throw new ArgumentException($"{Describe(value)} is not a value of {this}.");
    }

    public override bool Contains(double internalValue) =>
        internalValue >= 0 && internalValue < _choices.Length && internalValue == Math.Floor(internalValue);

    public bool Equals(CategoricalDistribution? other) =>
        other is not null && _choices.Length == other._choices.Length && _choices.SequenceEqual(other._choices);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var choice in _choices)
        {
            hash.Add(choice);
        }
        return hash.ToHashCode();
    }

    public override string ToString() => $"categorical [{string.Join(", ", _choices.Select(Describe))}]";

    internal static object Normalize(object value) => value switch
    {
        null => throw new ArgumentException("Categorical choices cannot be null."),
        string or bool or long or double => value,
        int or short or sbyte or byte or ushort or uint => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        float f => (double)f,
        _ => throw new ArgumentException($"Categorical choices must be strings, booleans or numbers, not {value.GetType().Name}."),
    };

    private int IndexOf(object normalized) => Array.FindIndex(_choices, c => c.Equals(normalized));

    private static string Describe(object value) => value switch
    {
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
