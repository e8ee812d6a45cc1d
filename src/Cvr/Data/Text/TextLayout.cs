using System.IO.Compression;
using System.Text;

namespace Cvr.Data.Text;

/// <summary>A run of whole lines inside one file (offsets in decompressed bytes), parsed as one unit of work.</summary>
internal sealed record TextChunk(long Offset, int Length, int RowCount, long FirstLine)
{
    public int FirstRow { get; set; }
}

/// <summary>
/// What a first, cheap pass learns about a delimited text file: its header, delimiter, and where to cut it into
/// chunks of whole lines with their line counts, so the parse pass can write every chunk straight into its final
/// rows in parallel (no second copy of the data, no resizing).
/// </summary>
internal sealed class TextLayout
{
    private static readonly byte[] s_utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <summary>Bytes read at a time during the scan; also the longest header accepted.</summary>
    private const int BlockBytes = 4 << 20;

    private TextLayout(string path, string displayName, bool gzip)
    {
        Path = path;
        DisplayName = displayName;
        Gzip = gzip;
    }

    public string Path { get; }

    public string DisplayName { get; }

    public bool Gzip { get; }

    public byte Delimiter { get; private set; }

    public string[] Header { get; private set; } = [];

    public List<TextChunk> Chunks { get; } = [];

    public long RowCount => Chunks.Sum(c => (long)c.RowCount);

    public int MaxChunkLength => Chunks.Count == 0 ? 0 : Chunks.Max(c => c.Length);

    public static bool IsGzip(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    public static Stream OpenRead(string path, bool gzip)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return gzip ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    public static TextLayout Scan(string path, string displayName, int chunkBytes)
    {
        var layout = new TextLayout(path, displayName, IsGzip(path));
        using var stream = OpenRead(path, layout.Gzip);
        var buffer = new byte[BlockBytes];
        int filled;
        try
        {
            filled = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw DataError.File(displayName, $"not a valid gzip file ({e.Message})");
        }
        if (filled == 0)
        {
            throw DataError.File(displayName, "the file is empty (expected a header line)");
        }
        var bom = buffer.AsSpan(0, filled).StartsWith(s_utf8Bom) ? s_utf8Bom.Length : 0;
        var newline = buffer.AsSpan(bom, filled - bom).IndexOf((byte)'\n');
        if (newline < 0 && filled == buffer.Length)
        {
            throw DataError.Line(displayName, 1, $"no end of the header line in the first {BlockBytes >> 20} MB (expected a header of column names)");
        }
        var headerEnd = newline < 0 ? filled : bom + newline;
        layout.ReadHeader(buffer.AsSpan(bom, headerEnd - bom));
        var dataStart = newline < 0 ? filled : headerEnd + 1;
        layout.CutChunks(stream, buffer, filled, dataStart, chunkBytes);
        return layout;
    }

    private void ReadHeader(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)',') < 0)
        {
            throw DataError.Line(DisplayName, 1, "the header line is empty (expected column names such as f_0, f_1, ...)");
        }
        // The challenge's files are TAB-separated despite their .csv names; a comma-only header means CSV.
        Delimiter = line.IndexOf((byte)'\t') >= 0 ? (byte)'\t' : line.IndexOf((byte)',') >= 0 ? (byte)',' : (byte)'\t';
        var text = Encoding.UTF8.GetString(line);
        Header = text.Split((char)Delimiter).Select(Unquote).ToArray();
    }

    private static string Unquote(string name)
    {
        var trimmed = name.Trim();
        return trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"' ? trimmed[1..^1] : trimmed;
    }

    /// <summary>Counts lines from <paramref name="dataStart"/> on, cutting a chunk at the first newline past each
    /// <paramref name="chunkBytes"/>.</summary>
    private void CutChunks(Stream stream, byte[] buffer, int filled, int dataStart, int chunkBytes)
    {
        long chunkStart = dataStart, segmentOffset = dataStart;
        var lines = 0;
        long linesBefore = 0;
        var segment = buffer.AsSpan(dataStart, filled - dataStart);
        var lastByte = filled > 0 ? buffer[filled - 1] : (byte)'\n';
        while (true)
        {
            while (!segment.IsEmpty)
            {
                var need = chunkBytes - (segmentOffset - chunkStart);
                var from = (int)Math.Clamp(need - 1, 0, segment.Length);
                var cut = from < segment.Length ? segment[from..].IndexOf((byte)'\n') : -1;
                if (cut < 0)
                {
                    lines += segment.Count((byte)'\n');
                    segmentOffset += segment.Length;
                    break;
                }
                var cutEnd = from + cut + 1;
                lines += segment[..cutEnd].Count((byte)'\n');
                segmentOffset += cutEnd;
                AddChunk(chunkStart, segmentOffset, lines, ref linesBefore);
                chunkStart = segmentOffset;
                lines = 0;
                segment = segment[cutEnd..];
            }
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                break;
            }
            lastByte = buffer[read - 1];
            segment = buffer.AsSpan(0, read);
        }
        if (segmentOffset > chunkStart)
        {
            // A last line without a newline still counts.
            AddChunk(chunkStart, segmentOffset, lastByte == (byte)'\n' ? lines : lines + 1, ref linesBefore);
        }
    }

    private void AddChunk(long start, long end, int lines, ref long linesBefore)
    {
        if (end - start > int.MaxValue)
        {
            throw DataError.Line(DisplayName, linesBefore + 2, "a line longer than 2 GB");
        }
        // Line 1 is the header.
        Chunks.Add(new TextChunk(start, (int)(end - start), lines, linesBefore + 2));
        linesBefore += lines;
    }
}
