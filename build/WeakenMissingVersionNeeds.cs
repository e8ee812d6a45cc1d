// An MSBuild task (compiled by RoslynCodeTaskFactory from Directory.Build.targets): gives the build a copy of a
// native library whose unsatisfiable libstdc++ version needs are marked weak. See docs/mmoe.md, "TorchSharp on
// Debian 12".
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// TorchSharp's <c>libLibTorchSharp.so</c> (built with GCC 13) declares that it needs the version GLIBCXX_3.4.32 of
/// libstdc++; Debian 12's libstdc++ stops at 3.4.30, so the dynamic loader refuses the library before any code
/// runs. The only symbol under that version, <c>std::ios_base_library_init()</c>, is referenced without a
/// relocation and never resolved, so the need is spurious. The loader accepts a missing version whose
/// <c>Vernaux</c> entry carries <c>VER_FLG_WEAK</c>: this task sets that flag on the needs the system's libstdc++
/// doesn't define, for the versions in <see cref="Weakenable"/> only (checked to be spurious), and writes the
/// result to <see cref="OutputDirectory"/>. When the system's libstdc++ defines every version (a newer
/// distribution) or is not found (not Linux), the source is used unchanged. Idempotent: a weak need is never
/// missing, and an output already holding the same bytes is not rewritten.
/// </summary>
public sealed class WeakenMissingVersionNeeds : Task
{
    private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>Version needs known to be spurious (no relocation uses their symbols).</summary>
    private static readonly string[] Weakenable = { "GLIBCXX_3.4.32" };

    private static readonly string[] LibStdCxxPaths =
    {
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/lib64/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6", "/lib/libstdc++.so.6",
    };

    [Required] public string Source { get; set; } = "";

    [Required] public string OutputDirectory { get; set; } = "";

    /// <summary>The file to copy: the patched copy, or <see cref="Source"/> when nothing needed patching.</summary>
    [Output] public string Result { get; set; } = "";

    public override bool Execute()
    {
        Result = Source;
        var system = LibStdCxxPaths.FirstOrDefault(File.Exists);
        if (system == null)
        {
            Log.LogMessage(MessageImportance.Low, "no system libstdc++.so.6 found: {0} used as it is", Source);
            return true;
        }
        var bytes = File.ReadAllBytes(Source);
        var defined = new HashSet<string>(DefinedVersions(File.ReadAllBytes(system)), StringComparer.Ordinal);
        var missing = NeededVersions(bytes).Where(n => n.File.StartsWith("libstdc++", StringComparison.Ordinal) && !n.Weak && !defined.Contains(n.Name)).ToList();
        if (missing.Count == 0)
        {
            Log.LogMessage(MessageImportance.Low, "{0} defines every libstdc++ version {1} needs: used as it is", system, Source);
            return true;
        }
        var unknown = missing.Where(n => Array.IndexOf(Weakenable, n.Name) < 0).Select(n => n.Name).ToList();
        if (unknown.Count > 0)
        {
            Log.LogMessage(MessageImportance.High, "{0} needs {1} from libstdc++, which {2} lacks and which is not known to be safe to weaken: used as it is (TorchSharp will not load)",
                Source, string.Join(", ", unknown), system);
            return true;
        }
        foreach (var need in missing)
        {
            var flags = (ushort)(ReadU16(bytes, need.FlagsOffset) | VerFlgWeak);
            bytes[need.FlagsOffset] = (byte)flags;
            bytes[need.FlagsOffset + 1] = (byte)(flags >> 8);
        }
        Directory.CreateDirectory(OutputDirectory);
        Result = Path.Combine(OutputDirectory, Path.GetFileName(Source));
        if (File.Exists(Result) && File.ReadAllBytes(Result).SequenceEqual(bytes))
        {
            return true;
        }
        var temp = Result + ".tmp";
        File.WriteAllBytes(temp, bytes);
        if (File.Exists(Result)) { File.Delete(Result); }
        File.Move(temp, Result);
        Log.LogMessage(MessageImportance.High, "{0}: marked the version need(s) {1} weak ({2} lacks them), in {3}",
            Path.GetFileName(Source), string.Join(", ", missing.Select(n => n.Name)), system, Result);
        return true;
    }

    /// <summary>Every Vernaux entry of an ELF64 little-endian file: the library, the version name, weak or not,
    /// and the file offset of its flags.</summary>
    internal static List<(string File, string Name, bool Weak, int FlagsOffset)> NeededVersions(byte[] elf)
    {
        var needs = new List<(string, string, bool, int)>();
        foreach (var (offset, count, strings) in Sections(elf, ShtGnuVerneed))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                var auxCount = ReadU16(elf, entry + 2);
                var file = ReadString(elf, strings + (int)ReadU32(elf, entry + 4));
                var aux = entry + (int)ReadU32(elf, entry + 8);
                for (var j = 0; j < auxCount; j++)
                {
                    var flags = ReadU16(elf, aux + 4);
                    needs.Add((file, ReadString(elf, strings + (int)ReadU32(elf, aux + 8)), (flags & VerFlgWeak) != 0, aux + 4));
                    aux += (int)ReadU32(elf, aux + 12);
                }
                entry += (int)ReadU32(elf, entry + 12);
            }
        }
        return needs;
    }

    /// <summary>The version names an ELF64 little-endian library defines (its Verdef entries' first names).</summary>
    internal static List<string> DefinedVersions(byte[] elf)
    {
        var names = new List<string>();
        foreach (var (offset, count, strings) in Sections(elf, ShtGnuVerdef))
        {
            var entry = offset;
            for (var i = 0; i < count; i++)
            {
                var aux = entry + (int)ReadU32(elf, entry + 12);
                names.Add(ReadString(elf, strings + (int)ReadU32(elf, aux)));
                entry += (int)ReadU32(elf, entry + 16);
            }
        }
        return names;
    }

    /// <summary>Sections of a type: file offset, entry count (sh_info) and the file offset of the linked string table.</summary>
    private static IEnumerable<(int Offset, int Count, int Strings)> Sections(byte[] elf, uint type)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        }
        var sectionHeaders = (int)ReadU64(elf, 0x28);
        var headerSize = ReadU16(elf, 0x3a);
        var sectionCount = ReadU16(elf, 0x3c);
        for (var i = 0; i < sectionCount; i++)
        {
            var header = sectionHeaders + i * headerSize;
            if (ReadU32(elf, header + 4) != type)
            {
                continue;
            }
            var link = (int)ReadU32(elf, header + 0x28);
            var strings = (int)ReadU64(elf, sectionHeaders + link * headerSize + 0x18);
            yield return ((int)ReadU64(elf, header + 0x18), (int)ReadU32(elf, header + 0x2c), strings);
        }
    }

    private static ushort ReadU16(byte[] b, int o) => (ushort)(b[o] | b[o + 1] << 8);

    private static uint ReadU32(byte[] b, int o) => (uint)(b[o] | b[o + 1] << 8 | b[o + 2] << 16 | b[o + 3] << 24);

    private static ulong ReadU64(byte[] b, int o) => ReadU32(b, o) | (ulong)ReadU32(b, o + 4) << 32;

    private static string ReadString(byte[] b, int o)
    {
        var end = Array.IndexOf(b, (byte)0, o);
        return Encoding.ASCII.GetString(b, o, end - o);
    }
}
