using System.Text;

namespace Cvr.IO;

/// <summary>
/// Output files written whole or not at all: write a hidden sibling (<c>.NAME.tmp-…</c>, same folder so the
/// same file system; named and cleaned up by <see cref="Temporaries"/>), flush it to disk, then rename it over the
/// target. A reader, a resumed run or a crash sees the
/// old file or the new one, never half of one. On any failure the temporary is deleted and an existing target is
/// left untouched. The only temp-and-rename code for single files; folders go through <see cref="AtomicFolder"/>.
/// </summary>
internal static class AtomicFile
{
    /// <summary>UTF-8 without a byte-order mark, as every cvr text output.</summary>
    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private const int BufferSize = 1 << 20;

    public static void WriteAllText(string path, string text) => Write(path, stream =>
    {
        var bytes = Utf8.GetBytes(text);
        stream.Write(bytes);
    });

    /// <summary>Writes text through a writer with <c>\n</c> line ends (for large outputs such as submissions).</summary>
    public static void WriteText(string path, Action<TextWriter> write) => Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, Utf8, BufferSize, leaveOpen: true) { NewLine = "\n" };
        write(writer);
    });

    /// <summary>Writes bytes through <paramref name="write"/>; the stream is flushed to disk before the rename.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = AtomicFolder.TemporarySibling(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize))
            {
                write(stream);
                // Without this, a crash after the rename can leave the new name pointing at unwritten blocks.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Best effort: after a failure, the original error matters more than a leftover temporary.</summary>
    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left for the user to remove; it is hidden and named .tmp
        }
    }
}
