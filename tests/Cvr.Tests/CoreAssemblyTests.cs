using System.Reflection;
using System.Text;
using Cvr.Modeling;

namespace Cvr.Tests;

/// <summary>What the core library (<c>Cvr.dll</c>) may know: ensemble members only through
/// <see cref="IEnsembleMemberKind"/>, never a kind by name.</summary>
public class CoreAssemblyTests
{
    private static readonly Assembly s_core = typeof(TrainingOptions).Assembly;

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Types_AndTheirMembers_NameNoMemberKind()
    {
        var named = s_core.GetTypes()
            .SelectMany(t => t.GetMembers(Everything).Select(m => $"{t.FullName}.{m.Name}").Prepend(t.FullName!))
            .Where(n => n.Contains("mmoe", StringComparison.OrdinalIgnoreCase))
            .ToArray();

        Assert.Empty(named);
    }

    /// <summary>Every string the assembly holds (literals in UTF-16, attribute arguments such as JSON property
    /// names and metadata names in UTF-8), found by scanning the file's bytes in both encodings.</summary>
    [Fact]
    public void File_HoldsNoStringNamingTheDeepMember()
    {
        // ASCII letters lowered byte by byte: that lowers them in UTF-16 too (their high byte is 0).
        var lowered = File.ReadAllBytes(s_core.Location).Select(b => b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b | 0x20) : b).ToArray();

        Assert.Equal(-1, lowered.AsSpan().IndexOf(Encoding.UTF8.GetBytes("mmoe")));
        Assert.Equal(-1, lowered.AsSpan().IndexOf(Encoding.Unicode.GetBytes("mmoe")));
    }
}
