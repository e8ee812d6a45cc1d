using System.Runtime.InteropServices;

namespace Cvr.LightGbm.Native;

/// <summary>Marshalling of the C API's <c>char**</c> string arrays, in and out.</summary>
internal static unsafe class NativeStrings
{
    internal delegate int ReadArray(int len, out int count, nuint bufferLen, out nuint requiredLen, byte** strings);

    /// <summary>
    /// The query-size-then-fill pattern: a first call with no buffers reports the count and the longest
    /// string (+1 for the NUL); the second call copies into buffers of exactly that size, so no name is truncated.
    /// </summary>
    internal static string[] Read(ReadArray call, string callName)
    {
        NativeCheck.Check(call(0, out var count, 0, out var required, null), callName);
        if (count == 0)
        {
            return [];
        }
        var width = Math.Max(required, 1);
        var block = (byte*)NativeMemory.AllocZeroed((nuint)count * width);
        var pointers = (byte**)NativeMemory.Alloc((nuint)count, (nuint)sizeof(byte*));
        try
        {
            for (var i = 0; i < count; i++)
            {
                pointers[i] = block + ((nuint)i * width);
            }
            NativeCheck.Check(call(count, out var count2, width, out var required2, pointers), callName);
            if (count2 != count || required2 > width)
            {
                throw new LightGbmException(callName, "string table changed between the size query and the copy");
            }
            var result = new string[count];
            for (var i = 0; i < count; i++)
            {
                result[i] = Marshal.PtrToStringUTF8((nint)pointers[i]) ?? string.Empty;
            }
            return result;
        }
        finally
        {
            NativeMemory.Free(pointers);
            NativeMemory.Free(block);
        }
    }

    /// <summary>Calls <paramref name="use"/> with a NUL-terminated UTF-8 copy of each string.</summary>
    internal static void WithUtf8Array(IReadOnlyList<string> values, Action<nint> use)
    {
        var pointers = new nint[values.Count];
        try
        {
            for (var i = 0; i < values.Count; i++)
            {
                pointers[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
            }
            fixed (nint* p = pointers)
            {
                use((nint)p);
            }
        }
        finally
        {
            foreach (var pointer in pointers)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }
}
