using System.Globalization;

namespace Cvr.Data.Synthetic;

/// <summary>
/// A byte buffer in front of a file: rows are formatted straight into UTF-8 bytes (no string per field) and
/// flushed in large blocks.
/// </summary>
internal sealed class Utf8Sink(Stream stream, int capacity = Utf8Sink.DefaultCapacity) : IDisposable
{
    public const int DefaultCapacity = 1 << 20;

    /// <summary>A row never needs more than this (80 fields of at most ~24 bytes, plus labels).</summary>
    public const int MaxRowBytes = 4096;

    private readonly byte[] _buffer = new byte[capacity];
    private readonly Stream _stream = stream;
    private int _pos;

    public long BytesWritten { get; private set; }

    /// <summary>Call before each row: flushes when the rest of the buffer might not hold one.</summary>
    public void Reserve()
    {
        if (_buffer.Length - _pos < MaxRowBytes) Flush();
    }

    public void Byte(byte b) => _buffer[_pos++] = b;

    public void Tab() => _buffer[_pos++] = (byte)'\t';

    public void NewLine() => _buffer[_pos++] = (byte)'\n';

    public void Ascii(string s)
    {
        Reserve();
        foreach (char c in s) _buffer[_pos++] = (byte)c;
    }

    public void Integer(long value)
    {
        if (value < 0)
        {
            _buffer[_pos++] = (byte)'-';
            value = -value;
        }
        if (value < 10)
        {
            _buffer[_pos++] = (byte)('0' + value);
            return;
        }
        int digits = CountDigits((ulong)value);
        int end = _pos + digits;
        for (int i = end - 1; i >= _pos; i--)
        {
            long q = value / 10;
            _buffer[i] = (byte)('0' + (value - q * 10));
            value = q;
        }
        _pos = end;
    }

    /// <summary>Writes mantissa × 10^-decimals exactly, without trailing zeros ("0.03856407", "12", "0").</summary>
    public void Fixed(long mantissa, int decimals)
    {
        long scale = Pow10(decimals);
        long whole = mantissa / scale;
        long fraction = mantissa - whole * scale;
        Integer(whole);
        if (fraction == 0) return;
        int keep = decimals;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            keep--;
        }
        _buffer[_pos++] = (byte)'.';
        int end = _pos + keep;
        for (int i = end - 1; i >= _pos; i--)
        {
            _buffer[i] = (byte)('0' + fraction % 10);
            fraction /= 10;
        }
        _pos = end;
    }

    /// <summary>Shortest round-trip text of a double, invariant culture.</summary>
    public void Double(double value)
    {
        value.TryFormat(_buffer.AsSpan(_pos), out int written, default, CultureInfo.InvariantCulture);
        _pos += written;
    }

    public void Flush()
    {
        if (_pos == 0) return;
        _stream.Write(_buffer, 0, _pos);
        BytesWritten += _pos;
        _pos = 0;
    }

    public void Dispose() => Flush();

    private static int CountDigits(ulong value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }
        return digits;
    }

    private static long Pow10(int n)
    {
        long result = 1;
        for (int i = 0; i < n; i++) result *= 10;
        return result;
    }
}
