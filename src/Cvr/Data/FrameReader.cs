using System.Buffers;
using Cvr.Data.Parquet;
using Cvr.Data.Text;

namespace Cvr.Data;

/// <summary>How to read one split (a file or a folder of shards).</summary>
public sealed record ReadOptions
{
    /// <summary>Train data must carry both labels; test data may not.</summary>
    public bool RequireLabels { get; init; }

    /// <summary>Threads parsing at once; null uses every core.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Bytes of text per unit of parallel work. Small enough to balance shards of unequal size.</summary>
    public int ChunkBytes { get; init; } = DefaultChunkBytes;

    /// <summary>Folder that file names in messages are shown relative to (the data set's root).</summary>
    public string? DisplayRoot { get; init; }

    public const int DefaultChunkBytes = 8 << 20;
}

/// <summary>
/// Reads TAB- or comma-separated text (plain or .gz) and Parquet into a <see cref="Frame"/>. Text goes through two
/// passes: <see cref="TextLayout.Scan"/> counts lines and cuts chunks, then chunks are parsed in parallel straight
/// into the final columns, so peak memory is the frame plus one buffer per thread.
/// </summary>
public static class FrameReader
{
    private static readonly string[] s_textExtensions = [".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz"];

    /// <summary>The data files a path stands for: the file itself, or a folder's shards in name order.</summary>
    public static IReadOnlyList<string> ListSources(string path, string? displayRoot = null)
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }
        if (!Directory.Exists(path))
        {
            throw DataError.File(Display(path, displayRoot), "no such file or folder");
        }
        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith('.'))
            {
                continue; // hidden files (editor swap files, .DS_Store) are not data
            }
            if (!IsParquet(file) && !s_textExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                throw DataError.File(Display(file, displayRoot),
                    "unexpected file in a data folder (expected shards named *.csv, *.tsv, *.txt, their .gz forms, or *.parquet)");
            }
            files.Add(Path.GetFullPath(file));
        }
        if (files.Count == 0)
        {
            throw DataError.File(Display(path, displayRoot), "the folder holds no data files (expected *.csv, *.tsv, *.txt, *.gz or *.parquet shards)");
        }
        return files;
    }

    public static Frame Read(string path, ReadOptions? options = null)
    {
        options ??= new ReadOptions();
        var sources = ListSources(path, options.DisplayRoot);
        return Read(sources, options);
    }

    internal static bool IsParquet(string path) => path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase);

    internal static string Display(string path, string? root)
    {
        if (root is null)
        {
            return path;
        }
        var relative = Path.GetRelativePath(root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative.Replace('\\', '/');
    }

    internal static Frame Read(IReadOnlyList<string> sources, ReadOptions options)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount };
        var parts = new SourcePart[sources.Count];
        RunInOrder(sources.Count, parallel, i =>
        {
            var display = Display(sources[i], options.DisplayRoot);
            parts[i] = IsParquet(sources[i])
                ? new ParquetPart(ParquetLayout.Scan(sources[i], display))
                : new TextPart(TextLayout.Scan(sources[i], display, options.ChunkBytes));
        });

        var schema = Schema.FromHeader(parts[0].Header, parts[0].DisplayName);
        for (var i = 1; i < parts.Length; i++)
        {
            CheckSameHeader(parts[0], parts[i]);
        }
        if (options.RequireLabels)
        {
            foreach (var label in new[] { Schema.ClickLabel, Schema.InstallLabel })
            {
                if (!schema.Contains(label))
                {
                    throw DataError.Line(parts[0].DisplayName, 1, $"the header has no {label} column (expected both labels, is_clicked and is_installed, in training data)");
                }
            }
        }

        var rows = 0L;
        foreach (var part in parts)
        {
            rows = part.AssignRows(rows);
        }
        if (rows == 0)
        {
            throw DataError.File(sources.Count == 1 ? parts[0].DisplayName : Display(Path.GetDirectoryName(sources[0])!, options.DisplayRoot),
                "no data rows (expected at least one line after the header)");
        }
        if (rows > Array.MaxLength)
        {
            throw DataError.File(parts[0].DisplayName, $"{rows} rows is more than one frame holds ({Array.MaxLength})");
        }

        var builder = new FrameBuilder(schema, (int)rows);
        var work = parts.SelectMany(p => p.WorkItems(builder)).ToArray();
        RunInOrder(work.Length, parallel, i => work[i]());
        return builder.Build(row => Locate(parts, row));
    }

    /// <summary>
    /// Every shard must have the first shard's columns in the same order. A mismatch names the columns the shard
    /// lacks or adds (a shard written with one column less is the usual case), else the first one out of order.
    /// </summary>
    private static void CheckSameHeader(SourcePart first, SourcePart other)
    {
        if (first.Header.SequenceEqual(other.Header, StringComparer.Ordinal))
        {
            return;
        }
        var expected = $"expected the same columns as {first.DisplayName}";
        var missing = first.Header.Except(other.Header, StringComparer.Ordinal).ToArray();
        var extra = other.Header.Except(first.Header, StringComparer.Ordinal).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            var lacks = missing.Length > 0 ? $"lacks {Names(missing)}" : null;
            var adds = extra.Length > 0 ? $"has extra {Names(extra)}" : null;
            throw other.HeaderError($"{string.Join(" and ", new[] { lacks, adds }.OfType<string>())} ({expected})");
        }
        var repeated = other.Header.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0)
        {
            throw other.HeaderError($"repeats {Names(repeated)} ({expected}, each once)");
        }
        var c = Enumerable.Range(0, first.Header.Length).First(i => !string.Equals(first.Header[i], other.Header[i], StringComparison.Ordinal));
        throw other.HeaderError($"has the columns in another order: column #{c + 1} is {other.Header[c]} where {first.DisplayName} has {first.Header[c]} ({expected} in the same order)");
    }

    /// <summary>Column names for a message, cut short so a wrong file can't flood the terminal.</summary>
    private static string Names(IReadOnlyList<string> names)
    {
        const int MaxNamed = 8;
        return names.Count <= MaxNamed
            ? string.Join(", ", names)
            : $"{string.Join(", ", names.Take(MaxNamed))} and {names.Count - MaxNamed} more";
    }

    private static RowLocation Locate(SourcePart[] parts, int row)
    {
        foreach (var part in parts)
        {
            if (part.TryLocate(row, out var line))
            {
                return new RowLocation(part.DisplayName, line, part is ParquetPart);
            }
        }
        return new RowLocation("?", 0, false);
    }

    /// <summary>
    /// Runs items in parallel; when some fail with bad data, reports the one that comes first in file order, so
    /// the same bad input always gives the same message however the threads were scheduled.
    /// </summary>
    internal static void RunInOrder(int count, ParallelOptions parallel, Action<int> body)
    {
        var errors = new Exception?[count];
        Parallel.For(0, count, parallel, (i, state) =>
        {
            if (state.ShouldExitCurrentIteration && state.LowestBreakIteration < i)
            {
                return;
            }
            try
            {
                body(i);
            }
            catch (Exception e) when (e is DataFormatException or IOException or UnauthorizedAccessException)
            {
                errors[i] = e;
                state.Break();
            }
        });
        var first = errors.FirstOrDefault(e => e is not null);
        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }
    }

    /// <summary>One source file as the reader sees it: a header, a row range, and units of parse work.</summary>
    private abstract class SourcePart
    {
        public abstract string DisplayName { get; }

        public abstract string[] Header { get; }

        /// <summary>A problem with this file's column names, worded for its format ("the header ..." in text).</summary>
        public abstract DataFormatException HeaderError(string problem);

        protected int FirstRow { get; private set; }

        protected long RowCount { get; set; }

        public long AssignRows(long firstRow)
        {
            FirstRow = (int)Math.Min(firstRow, int.MaxValue);
            return firstRow + RowCount;
        }

        public abstract IEnumerable<Action> WorkItems(FrameBuilder builder);

        public abstract bool TryLocate(int row, out long line);
    }

    private sealed class TextPart : SourcePart
    {
        private readonly TextLayout _layout;

        public TextPart(TextLayout layout)
        {
            _layout = layout;
            RowCount = layout.RowCount;
        }

        public override string DisplayName => _layout.DisplayName;

        public override string[] Header => _layout.Header;

        public override DataFormatException HeaderError(string problem) => DataError.Line(DisplayName, 1, $"the header {problem}");

        public override IEnumerable<Action> WorkItems(FrameBuilder builder)
        {
            var row = FirstRow;
            foreach (var chunk in _layout.Chunks)
            {
                chunk.FirstRow = row;
                row += chunk.RowCount;
            }
            if (_layout.Chunks.Count == 0)
            {
                yield break;
            }
            if (_layout.Gzip)
            {
                // A gzip stream can only be read from the start: one work item walks all of its chunks.
                yield return () => ParseGzip(builder);
                yield break;
            }
            foreach (var chunk in _layout.Chunks)
            {
                yield return () => ParsePlain(builder, chunk);
            }
        }

        private void ParsePlain(FrameBuilder builder, TextChunk chunk)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(chunk.Length);
            try
            {
                using (var handle = File.OpenHandle(_layout.Path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    var done = 0;
                    while (done < chunk.Length)
                    {
                        var n = RandomAccess.Read(handle, buffer.AsSpan(done, chunk.Length - done), chunk.Offset + done);
                        if (n == 0)
                        {
                            throw DataError.File(_layout.DisplayName, "the file changed while it was being read (it got shorter)");
                        }
                        done += n;
                    }
                }
                new ChunkParser(builder, _layout.Delimiter).Parse(buffer.AsSpan(0, chunk.Length), chunk.FirstRow, chunk.RowCount, chunk.FirstLine, _layout.DisplayName);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private void ParseGzip(FrameBuilder builder)
        {
            var buffer = new byte[_layout.MaxChunkLength];
            var parser = new ChunkParser(builder, _layout.Delimiter);
            using var stream = TextLayout.OpenRead(_layout.Path, gzip: true);
            var position = 0L;
            foreach (var chunk in _layout.Chunks)
            {
                SkipTo(stream, ref position, chunk.Offset, buffer, _layout.DisplayName);
                var n = stream.ReadAtLeast(buffer.AsSpan(0, chunk.Length), chunk.Length, throwOnEndOfStream: false);
                if (n < chunk.Length)
                {
                    throw DataError.File(_layout.DisplayName, "the file changed while it was being read (it got shorter)");
                }
                position += n;
                parser.Parse(buffer.AsSpan(0, chunk.Length), chunk.FirstRow, chunk.RowCount, chunk.FirstLine, _layout.DisplayName);
            }
        }

        private static void SkipTo(Stream stream, ref long position, long target, byte[] scratch, string displayName)
        {
            while (position < target)
            {
                var n = stream.Read(scratch, 0, (int)Math.Min(scratch.Length, target - position));
                if (n == 0)
                {
                    // The scan read the whole stream, so a shorter one now is bad input, not a failing disk.
                    throw DataError.File(displayName, "the file changed while it was being read (it got shorter)");
                }
                position += n;
            }
        }

        public override bool TryLocate(int row, out long line)
        {
            foreach (var chunk in _layout.Chunks)
            {
                if (row >= chunk.FirstRow && row < chunk.FirstRow + chunk.RowCount)
                {
                    line = chunk.FirstLine + (row - chunk.FirstRow);
                    return true;
                }
            }
            line = 0;
            return false;
        }
    }

    private sealed class ParquetPart : SourcePart
    {
        private readonly ParquetLayout _layout;

        public ParquetPart(ParquetLayout layout)
        {
            _layout = layout;
            RowCount = layout.RowCount;
        }

        public override string DisplayName => _layout.DisplayName;

        public override string[] Header => _layout.Header;

        // Parquet has no header line: its column names are in the file's schema.
        public override DataFormatException HeaderError(string problem) => DataError.File(DisplayName, $"the schema {problem}");

        public override IEnumerable<Action> WorkItems(FrameBuilder builder)
        {
            var first = FirstRow;
            yield return () => _layout.ReadInto(builder, first);
        }

        public override bool TryLocate(int row, out long line)
        {
            // Parquet has no lines; report the 1-based data row, which the messages call a row.
            line = row - FirstRow + 1;
            return row >= FirstRow && row < FirstRow + RowCount;
        }
    }
}
