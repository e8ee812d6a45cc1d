using System.Runtime.InteropServices;
using System.Text;

namespace Cvr.Features;

/// <summary>
/// The serialised form of feature steps' partial states (<see cref="FeatureStep{TPartial, TFitted}.WritePartial"/>),
/// which ranks of a data-parallel job exchange: little-endian fixed-width numbers (floats by their bits, so −0, NaN
/// payloads and every double survive), strings as UTF-8 with a length, arrays with a count. Dictionaries and sets are
/// written in their enumeration order and read back in it; without removals that is their insertion order, so a read
/// partial is the written one entry for entry and merges the same (equal floats such as 0 and −0 share a dictionary
/// entry, and the entry keeps the first one seen). No version of its own: the exchange's file header carries the
/// build, and every rank of a job runs the same one.
/// </summary>
internal static class PartialFormat
{
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>A partial state in its serialised form.</summary>
    public static byte[] Serialise(Action<BinaryWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Utf8, leaveOpen: true)) { write(writer); }
        return stream.ToArray();
    }

    /// <summary>Reads a partial state, which must take every byte of <paramref name="bytes"/>.</summary>
    /// <exception cref="InvalidDataException">Bytes that aren't a partial state of this reader.</exception>
    public static T Deserialise<T>(ReadOnlyMemory<byte> bytes, Func<BinaryReader, T> read, string what)
    {
        // Read in place when the bytes are an array's (a file read whole, a payload): a partial state can be large.
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Utf8);
        T value;
        try
        {
            value = read(reader);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"the partial state of {what} ends early (at byte {stream.Position} of {stream.Length})", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"the partial state of {what}: {e.Message}", e);
        }
        if (stream.Position != stream.Length)
        {
            throw new InvalidDataException($"the partial state of {what} has {stream.Length - stream.Position} bytes left over after byte {stream.Position}");
        }
        return value;
    }

    public static void WriteString(this BinaryWriter w, string value)
    {
        var bytes = Utf8.GetBytes(value);
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    public static string ReadText(this BinaryReader r) => Utf8.GetString(r.ReadBytes(r.ReadCount(1)));

    /// <summary>A count of elements of <paramref name="size"/> bytes that must still fit in the stream.</summary>
    public static int ReadCount(this BinaryReader r, int size)
    {
        var count = r.ReadInt32();
        var left = r.BaseStream.Length - r.BaseStream.Position;
        if (count < 0 || (long)count * size > left)
        {
            throw new InvalidDataException($"a count of {count} at byte {r.BaseStream.Position - 4} doesn't fit the {left} bytes left");
        }
        return count;
    }

    public static void WriteArray<T>(this BinaryWriter w, ReadOnlySpan<T> values) where T : unmanaged
    {
        w.Write(values.Length);
        if (BitConverter.IsLittleEndian) { w.Write(MemoryMarshal.AsBytes(values)); return; }
        w.Write(MemoryMarshal.AsBytes(ReverseEndianness(values.ToArray()).AsSpan()));
    }

    public static T[] ReadArray<T>(this BinaryReader r) where T : unmanaged
    {
        var values = new T[r.ReadCount(Marshal.SizeOf<T>())];
        r.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return BitConverter.IsLittleEndian ? values : ReverseEndianness(values);
    }

    public static void WriteArray<T>(this BinaryWriter w, IReadOnlyList<T> values) where T : unmanaged
        => w.WriteArray(new ReadOnlySpan<T>(values as T[] ?? [.. values]));

    /// <summary>Enum values as their int32 numbers.</summary>
    public static void WriteEnums<T>(this BinaryWriter w, IReadOnlyList<T> values) where T : struct, System.Enum
        => w.WriteArray<int>([.. values.Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture))]);

    public static T[] ReadEnums<T>(this BinaryReader r) where T : struct, System.Enum => [.. r.ReadArray<int>().Select(Enum<T>)];

    /// <summary>An enum from its int32 number.</summary>
    public static T Enum<T>(int value) where T : struct, System.Enum
        => System.Enum.IsDefined(typeof(T), value) ? (T)System.Enum.ToObject(typeof(T), value) : throw new InvalidDataException($"{value} is not a {typeof(T).Name}");

    /// <summary>Big-endian hosts only (none that .NET 10 ships for): each element's bytes swapped, in place.</summary>
    private static T[] ReverseEndianness<T>(T[] values) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var size = Marshal.SizeOf<T>();
        for (var i = 0; i < bytes.Length; i += size) { bytes.Slice(i, size).Reverse(); }
        return values;
    }
}
