using System.Globalization;

namespace Cvr.LightGbm;

/// <summary>
/// Reads LightGBM's text model format block by block: a block is a run of non-empty lines, each <c>key=value</c> or a
/// bare key (the header's <c>average_output</c>); blocks are separated by empty lines. Numbers are written by
/// LightGBM with 17 significant digits, so parsing them gives back the same doubles.
/// </summary>
internal sealed class ModelText(string text)
{
    private int _position;

    /// <summary>The next block's keys and values; empty at the end of the text.</summary>
    public Dictionary<string, string> ReadBlock()
    {
        var block = new Dictionary<string, string>(StringComparer.Ordinal);
        while (_position < text.Length)
        {
            var end = text.IndexOf('\n', _position);
            if (end < 0) { end = text.Length; }
            var line = text.AsSpan(_position, end - _position).TrimEnd('\r');
            _position = end + 1;
            if (line.IsEmpty)
            {
                if (block.Count > 0) { break; }
                continue;
            }
            var equals = line.IndexOf('=');
            if (equals < 0) { block[line.ToString()] = ""; }
            else { block[line[..equals].ToString()] = line[(equals + 1)..].ToString(); }
        }
        return block;
    }

    public static int Int(string value, string key)
        => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{key}: \"{value}\" is not an integer");

    /// <summary>A number as LightGBM writes it: C's <c>%.17g</c>, whose infinities are <c>inf</c> and <c>-inf</c>.</summary>
    public static double Double(string value, string key) => value switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "-nan" => double.NaN,
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new FormatException($"{key}: \"{value}\" is not a number"),
    };

    /// <summary>Exactly <paramref name="count"/> space-separated integers (unsigned 32-bit words when
    /// <paramref name="unsigned"/>, returned with the same bits).</summary>
    public static int[] Ints(string value, int count, string key, bool unsigned = false)
    {
        var parts = Split(value, count, key);
        var result = new int[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = unsigned
                ? uint.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var u) ? unchecked((int)u) : throw Bad(key, parts[i])
                : Int(parts[i], key);
        }
        return result;
    }

    public static double[] Doubles(string value, int count, string key)
    {
        var parts = Split(value, count, key);
        var result = new double[count];
        for (var i = 0; i < count; i++) { result[i] = Double(parts[i], key); }
        return result;
    }

    private static string[] Split(string value, int count, string key)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == count ? parts : throw new FormatException($"{key}: {parts.Length} values, expected {count}");
    }

    private static FormatException Bad(string key, string value) => new($"{key}: \"{value}\" is not an unsigned integer");
}
