using System.Security.Cryptography;
using System.Text;

namespace Cvr.Modeling;

/// <summary>
/// The bundle's <c>SHA256SUMS</c>: the SHA-256 of every other file of the bundle, <c>manifest.json</c> included, in
/// GNU <c>sha256sum</c>'s format (<c>&lt;64 hex&gt;  &lt;name&gt;</c>, one line each, sorted by name), so
/// <c>sha256sum -c SHA256SUMS</c> run in the bundle verifies it too. Loading checks it before reading anything
/// else: a corrupted, edited, missing or extra file stops the load, so an edited ω or ensemble weight in the
/// manifest cannot score silently. Every entry of the folder but SHA256SUMS itself must be listed, hidden files
/// and folders included: a bundle holds exactly the files it was written with.
/// </summary>
internal static class BundleChecksums
{
    public const string FileName = "SHA256SUMS";

    /// <summary>Two spaces: sha256sum's separator for text mode; <c> *</c> (binary mode) is read too.</summary>
    private const string Separator = "  ";

    private const int HexLength = 64;

    /// <summary>Lists every file of <paramref name="folder"/> (written last, once the other files are final).</summary>
    public static void Write(string folder)
    {
        var text = new StringBuilder();
        foreach (var name in Directory.EnumerateFiles(folder).Select(Path.GetFileName).Where(n => n != FileName).Order(StringComparer.Ordinal))
        {
            text.Append(Sha256(Path.Combine(folder, name!))).Append(Separator).Append(name).Append('\n');
        }
        File.WriteAllText(Path.Combine(folder, FileName), text.ToString(), IO.AtomicFile.Utf8);
    }

    /// <summary>
    /// Reads every listed file once, checks it against its SHA-256 and returns what was read, so what is parsed
    /// afterwards is exactly what was verified (a file replaced after the check is never read). Throws
    /// <see cref="ModelBundleException"/> naming the first file that fails the check.
    /// </summary>
    public static VerifiedFiles Verify(string folder)
    {
        var sumsPath = Path.Combine(folder, FileName);
        var sums = ReadSums(sumsPath);
        var listed = Parse(sumsPath, VerifiedFiles.Decode(sums));
        var contents = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, expected) in listed)
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                throw new ModelBundleException($"{path}: missing from the bundle (listed in {FileName})");
            }
            var bytes = File.ReadAllBytes(path);
            if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), expected, StringComparison.OrdinalIgnoreCase))
            {
                throw new ModelBundleException($"{path}: corrupted (its SHA-256 differs from {FileName})");
            }
            contents[name] = bytes;
        }
        var unlisted = Directory.EnumerateFileSystemEntries(folder)
            .Where(e => Path.GetFileName(e) is var n && n != FileName && !listed.ContainsKey(n))
            .Order(StringComparer.Ordinal).FirstOrDefault();
        if (unlisted is not null)
        {
            throw new ModelBundleException($"{unlisted}: not listed in {FileName} (a bundle holds exactly the files it lists)");
        }
        return new VerifiedFiles(folder, Convert.ToHexStringLower(SHA256.HashData(sums)), contents);
    }

    private static byte[] ReadSums(string sumsPath)
    {
        if (!File.Exists(sumsPath))
        {
            throw new ModelBundleException($"{sumsPath}: missing from the bundle (it lists every file's SHA-256)");
        }
        return File.ReadAllBytes(sumsPath);
    }

    private static Dictionary<string, string> Parse(string sumsPath, string text)
    {
        string[] lines = text.Length == 0 ? [] : text.Split('\n');
        if (lines.Length > 0 && lines[^1].Length > 0)
        {
            throw Bad(sumsPath, lines.Length - 1, "the last line has no newline");
        }
        var listed = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i];
            if (line.Length < HexLength + Separator.Length + 1 || !IsHex(line.AsSpan(0, HexLength)) || line[HexLength] != ' '
                || line[HexLength + 1] is not (' ' or '*'))
            {
                throw Bad(sumsPath, i, "expected '<64 hex digits>  <file name>'");
            }
            var name = line[(HexLength + Separator.Length)..];
            if (name is "." or ".." || name.IndexOfAny(['/', '\\', '\r']) >= 0)
            {
                throw Bad(sumsPath, i, $"'{name}' is not a file name in the bundle folder");
            }
            if (!listed.TryAdd(name, line[..HexLength]))
            {
                throw Bad(sumsPath, i, $"'{name}' is listed twice");
            }
        }
        return listed;
    }

    private static ModelBundleException Bad(string sumsPath, int index, string problem) =>
        new($"{sumsPath}: line {index + 1}: {problem}");

    private static bool IsHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept("0123456789abcdefABCDEF");

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
