using System.Globalization;
using System.Text;
using Cvr.Data.Text;

namespace Cvr.Tests.Data;

public unsafe class NumberScannerTests
{
    private static (NumberScanner.ScanResult Result, float Value, int Consumed) Scan(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            var p = start;
            var result = NumberScanner.ScanFloat(ref p, start + bytes.Length, out var value);
            return (result, value, (int)(p - start));
        }
    }

    /// <summary>The scanner's answer, falling back as the parser does; must equal the runtime's parse.</summary>
    private static float ScanOrSlow(string text)
    {
        var (result, value, consumed) = Scan(text);
        if (result == NumberScanner.ScanResult.Ok && consumed == text.Length)
        {
            return value;
        }
        Assert.True(NumberScanner.TryParseFloatSlow(Encoding.UTF8.GetBytes(text), out var slow));
        return slow;
    }

    [Theory]
    [InlineData("0", 0f)]
    [InlineData("-0", -0f)]
    [InlineData("12", 12f)]
    [InlineData("0.03856407", 0.03856407f)]
    [InlineData("-2.25", -2.25f)]
    [InlineData("+7.5", 7.5f)]
    [InlineData(".5", 0.5f)]
    [InlineData("1.", 1f)]
    [InlineData("5.6e7", 5.6e7f)]
    [InlineData("1E-3", 1e-3f)]
    [InlineData("37.38457512", 37.38457512f)]
    public void ScanFloat_PlainForms_AreExact(string text, float expected)
    {
        var (result, value, consumed) = Scan(text);
        Assert.Equal(NumberScanner.ScanResult.Ok, result);
        Assert.Equal(expected, value);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
        Assert.Equal(text.Length, consumed);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1e")]
    [InlineData("12345678901234567890123")] // more digits than the fast path keeps
    [InlineData("1e-40")]                     // exponent beyond exact powers of ten
    public void ScanFloat_OutsideTheFastPath_AsksForTheSlowParser(string text)
        => Assert.Equal(NumberScanner.ScanResult.Slow, Scan(text).Result);

    [Fact]
    public void ScanFloat_RandomValues_EqualTheRuntimeParser()
    {
        // Shortest round-trip, fixed-digit and scientific renderings of random floats and doubles, plus
        // multiples of the paper's base values: the scanner (with its fallback) must agree bit for bit.
        var random = new Random(20231);
        var bases = new[] { 0.03856407, 0.57112147, 8.07946039, 0.147850899, 0.129299709, 0.355221093, 37.38457512 };
        for (var i = 0; i < 200_000; i++)
        {
            string text = (i % 5) switch
            {
                0 => ((float)(random.NextDouble() * Math.Pow(10, random.Next(-8, 9)))).ToString("R", CultureInfo.InvariantCulture),
                1 => (random.NextDouble() * 1e6 - 5e5).ToString("R", CultureInfo.InvariantCulture),
                2 => (random.Next(0, 1_000_000) * bases[random.Next(bases.Length)]).ToString("F8", CultureInfo.InvariantCulture),
                3 => (random.NextDouble() * Math.Pow(10, random.Next(-30, 30))).ToString("E9", CultureInfo.InvariantCulture),
                _ => BitConverter.Int32BitsToSingle(random.Next()) is var f && float.IsFinite(f)
                    ? f.ToString("R", CultureInfo.InvariantCulture) : "1",
            };
            var expected = float.Parse(text, CultureInfo.InvariantCulture);
            var actual = ScanOrSlow(text);
            Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
                $"'{text}': expected {expected:R}, got {actual:R}");
        }
    }

    [Fact]
    public void ScanFloat_HalfwayBetweenTwoFloats_RoundsToEven()
    {
        // 1 + 2^-24 is exactly halfway between 1 and the next float; a double-then-float path must not drift.
        var halfway = (1.0 + Math.Pow(2, -24)).ToString("R", CultureInfo.InvariantCulture);
        Assert.Equal(float.Parse(halfway, CultureInfo.InvariantCulture), ScanOrSlow(halfway));
        var justAbove = "1.0000000596046449";
        Assert.Equal(float.Parse(justAbove, CultureInfo.InvariantCulture), ScanOrSlow(justAbove));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("-17", -17L)]
    [InlineData("12.0", 12L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void ScanInteger_ValidForms_Parse(string text, long expected)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            var p = start;
            Assert.True(NumberScanner.ScanInteger(ref p, start + bytes.Length, out var value));
            Assert.Equal(expected, value);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("9223372036854775808")]
    [InlineData("99999999999999999999999")]
    public void ScanInteger_InvalidOrOverflowing_Fails(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        fixed (byte* start = bytes)
        {
            var p = start;
            Assert.False(NumberScanner.ScanInteger(ref p, start + bytes.Length, out _));
        }
    }
}
