using System.Text;

namespace Cvr.Modeling;

/// <summary>
/// A bundle's files as <see cref="BundleChecksums.Verify"/> read and checked them: everything a loader parses comes
/// from here, never from the folder again, so a bundle is read and verified once however many copies of its
/// boosters are made, and a file replaced after the check cannot be scored.
/// </summary>
internal sealed class VerifiedFiles(string directory, string sumsHash, IReadOnlyDictionary<string, byte[]> contents)
{
    public string Directory { get; } = directory;

    /// <summary>SHA-256 of the bundle's SHA256SUMS, from the bytes that were verified: one value that changes with
    /// any file of the bundle (the bundle's identity in <c>cvr serve</c>).</summary>
    public string SumsHash { get; } = sumsHash;

    /// <summary>A file's verified bytes; a name the manifest gives that is not in SHA256SUMS is missing from the bundle.</summary>
    /// <exception cref="ModelBundleException">The bundle has no such file.</exception>
    public byte[] Bytes(string name)
        => contents.TryGetValue(name, out var bytes) ? bytes : throw new ModelBundleException($"{Path.Combine(Directory, name)}: missing from the bundle");

    /// <summary>A verified file as text (UTF-8; a byte-order mark is skipped, as <see cref="File.ReadAllText(string)"/> does).</summary>
    public string Text(string name) => Decode(Bytes(name));

    public string PathOf(string name) => Path.Combine(Directory, name);

    internal static string Decode(byte[] bytes)
        => Encoding.UTF8.GetString(bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? bytes.AsSpan(Encoding.UTF8.Preamble.Length) : bytes);
}
