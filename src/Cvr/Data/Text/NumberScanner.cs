using System.Globalization;
using System.Runtime.CompilerServices;

namespace Cvr.Data.Text;

/// <summary>
/// Scans decimal numbers straight out of UTF-8 bytes. The fast path handles the plain forms data files hold
/// (<c>-12</c>, <c>0.03856407</c>, <c>1.5e-7</c>) with Clinger's exact fast path; anything it can't do exactly
/// reports <see cref="ScanResult.Slow"/> and the caller falls back to the runtime's correctly rounded parser,
/// so results always equal <see cref="float.Parse(string, IFormatProvider?)"/>.
/// </summary>
internal static unsafe class NumberScanner
{
    public enum ScanResult
    {
        Ok,
        /// <summary>Syntax the fast path doesn't cover or can't round exactly: re-parse the field slowly.</summary>
        Slow,
    }

    /// <summary>Largest integer a double holds exactly (2^53): the bound of Clinger's fast path.</summary>
    private const ulong MaxExactMantissa = 1UL << 53;

    /// <summary>Powers of ten that are exact in a double (10^22 is the largest).</summary>
    private static readonly double[] s_exactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    private const int MaxExactPower = 22;

    /// <summary>Significant digits a ulong always takes without overflow.</summary>
    private const int MaxMantissaDigits = 19;

    /// <summary>
    /// Scans a float at <paramref name="p"/>. On <see cref="ScanResult.Ok"/> the value is exact (correctly rounded)
    /// and <paramref name="p"/> points after the number; the caller still checks what follows it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScanResult ScanFloat(ref byte* p, byte* end, out float value)
    {
        var s = p;
        var negative = false;
        if (s < end && (*s == (byte)'-' || *s == (byte)'+'))
        {
            negative = *s == (byte)'-';
            s++;
        }
        ulong mantissa = 0;
        var significant = 0;
        var exponent = 0;
        var anyDigit = false;
        uint d;
        while (s < end && (d = (uint)(*s - '0')) <= 9)
        {
            anyDigit = true;
            if (significant < MaxMantissaDigits)
            {
                mantissa = mantissa * 10 + d;
                if (mantissa != 0) { significant++; }
            }
            else
            {
                value = 0;
                return ScanResult.Slow;
            }
            s++;
        }
        if (s < end && *s == (byte)'.')
        {
            s++;
            while (s < end && (d = (uint)(*s - '0')) <= 9)
            {
                anyDigit = true;
                if (significant < MaxMantissaDigits)
                {
                    mantissa = mantissa * 10 + d;
                    if (mantissa != 0) { significant++; }
                    exponent--;
                }
                else if (d != 0)
                {
                    value = 0;
                    return ScanResult.Slow;
                }
                s++;
            }
        }
        if (!anyDigit)
        {
            value = 0;
            return ScanResult.Slow;
        }
        if (s < end && (*s | 0x20) == (byte)'e')
        {
            s++;
            var expNegative = false;
            if (s < end && (*s == (byte)'-' || *s == (byte)'+'))
            {
                expNegative = *s == (byte)'-';
                s++;
            }
            if (s >= end || (uint)(*s - '0') > 9)
            {
                value = 0;
                return ScanResult.Slow;
            }
            var e = 0;
            while (s < end && (d = (uint)(*s - '0')) <= 9)
            {
                if (e < 100000) { e = e * 10 + (int)d; }
                s++;
            }
            exponent += expNegative ? -e : e;
        }
        if (mantissa == 0)
        {
            value = negative ? -0f : 0f;
            p = s;
            return ScanResult.Ok;
        }
        if (mantissa > MaxExactMantissa || exponent < -MaxExactPower || exponent > MaxExactPower)
        {
            value = 0;
            return ScanResult.Slow;
        }
        var exact = exponent >= 0
            ? mantissa * s_exactPowersOfTen[exponent]
            : mantissa / s_exactPowersOfTen[-exponent];
        // The double is correctly rounded; narrowing it to float rounds a second time, which is only wrong when
        // the double sits exactly halfway between two floats. Leave that rare case to the exact parser.
        const ulong lowBits = (1UL << 29) - 1, halfway = 1UL << 28;
        if ((BitConverter.DoubleToUInt64Bits(exact) & lowBits) == halfway)
        {
            value = 0;
            return ScanResult.Slow;
        }
        var f = (float)exact;
        value = negative ? -f : f;
        p = s;
        return ScanResult.Ok;
    }

    /// <summary>
    /// Scans an integer, also accepting an all-zero fraction (<c>12.0</c>, as pandas writes integer columns
    /// that had missing values). Returns false on anything else or on overflow of <see cref="long"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool ScanInteger(ref byte* p, byte* end, out long value)
    {
        var s = p;
        var negative = false;
        if (s < end && (*s == (byte)'-' || *s == (byte)'+'))
        {
            negative = *s == (byte)'-';
            s++;
        }
        var start = s;
        ulong acc = 0;
        uint d;
        while (s < end && (d = (uint)(*s - '0')) <= 9)
        {
            if (acc > (ulong.MaxValue - 9) / 10)
            {
                value = 0;
                return false;
            }
            acc = acc * 10 + d;
            s++;
        }
        if (s == start)
        {
            value = 0;
            return false;
        }
        if (s < end && *s == (byte)'.')
        {
            s++;
            while (s < end && *s == (byte)'0')
            {
                s++;
            }
        }
        if (negative ? acc > (ulong)long.MaxValue + 1 : acc > long.MaxValue)
        {
            value = 0;
            return false;
        }
        value = negative ? (long)(0 - acc) : (long)acc;
        p = s;
        return true;
    }

    /// <summary>The exact parser behind the fast path: accepts whatever the runtime accepts as a float.</summary>
    public static bool TryParseFloatSlow(ReadOnlySpan<byte> field, out float value)
        => float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
