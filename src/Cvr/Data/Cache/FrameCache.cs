using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Microsoft.Extensions.Logging;
using ArrowSchema = Apache.Arrow.Schema;

namespace Cvr.Data.Cache;

/// <summary>
/// Keeps parsed frames as Apache Arrow IPC files so the next run skips parsing. A cache file is named after the
/// sources' paths and stamped with a key over their sizes and modification times (and this format's version):
/// change, add or remove a shard and the key no longer matches, so the data is parsed again and the cache
/// rewritten. Each column keeps its <see cref="ColumnKind"/> and, for categoricals, its levels as field metadata.
/// </summary>
public static partial class FrameCache
{
    /// <summary>Bumped whenever the parse rules or the cached layout change, which invalidates old files.</summary>
    internal const string FormatVersion = "cvr-frame-cache/1";

    private const string KeyMetadata = "cvr.cache.key";
    private const string RowsMetadata = "cvr.rows";
    private const string KindMetadata = "cvr.kind";
    private const string LevelsMetadata = "cvr.levels";

    /// <summary>Rows per Arrow record batch: keeps the write/read working set small next to the frame.</summary>
    private const int BatchRows = 1 << 18;

    /// <summary>Where caches go unless told otherwise: $CVR_CACHE_DIR, else $XDG_CACHE_HOME/cvr, else ~/.cache/cvr.</summary>
    public static string DefaultDirectory()
    {
        var explicitDir = Environment.GetEnvironmentVariable("CVR_CACHE_DIR");
        if (!string.IsNullOrEmpty(explicitDir))
        {
            return explicitDir;
        }
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "cvr", "frames");
    }

    /// <summary>Reads the sources through the cache in <paramref name="cacheDir"/>.</summary>
    public static Frame ReadThrough(string path, ReadOptions options, string cacheDir, ILogger? logger = null)
        => ReadThrough(FrameReader.ListSources(path, options.DisplayRoot), options, cacheDir, logger);

    /// <summary>Reads <paramref name="sources"/> (files, in this order) through the cache in <paramref name="cacheDir"/>.</summary>
    internal static Frame ReadThrough(IReadOnlyList<string> sources, ReadOptions options, string cacheDir, ILogger? logger = null)
    {
        var path = sources.Count == 1 ? sources[0] : Path.GetDirectoryName(sources[0]) ?? sources[0];
        var key = Key(sources);
        var file = Path.Combine(cacheDir, Name(sources));
        if (File.Exists(file))
        {
            try
            {
                var cached = TryRead(file, key);
                if (cached is not null)
                {
                    logger?.LogDebug("read {Rows} rows of {Path} from cache {Cache}", cached.RowCount, path, file);
                    CheckLabels(cached, options, FrameReader.Display(sources[0], options.DisplayRoot));
                    return cached;
                }
                logger?.LogInformation("cache {Cache} is stale (the source files changed); parsing again", file);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or ArgumentException or FormatException)
            {
                logger?.LogWarning("cache {Cache} is unreadable ({Message}); parsing again", file, e.Message);
            }
        }
        var frame = FrameReader.Read(sources, options);
        try
        {
            Directory.CreateDirectory(cacheDir);
            Write(frame, file, key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger?.LogWarning("could not write cache {Cache} ({Message}); continuing without it", file, e.Message);
        }
        return frame;
    }

    private static void CheckLabels(Frame frame, ReadOptions options, string display)
    {
        if (options.RequireLabels && !frame.HasLabels)
        {
            throw DataError.Line(display, 1, "the header has no is_clicked or is_installed column (expected both labels in training data)");
        }
    }

    /// <summary>The cache key: this format's version and every source's full path, size and modification time.</summary>
    internal static string Key(IReadOnlyList<string> sources)
    {
        var text = new StringBuilder(FormatVersion).Append('\n');
        foreach (var source in sources)
        {
            var info = new FileInfo(source);
            text.Append(info.FullName).Append('\t')
                .Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>File name for a set of sources: stable for the same paths, whatever their contents.</summary>
    internal static string Name(IReadOnlyList<string> sources)
    {
        var paths = string.Join('\n', sources.Select(Path.GetFullPath));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(paths)))[..24] + ".arrow";
    }

    private static Field ColumnField(ColumnSpec spec, Frame frame)
    {
        IArrowType type = spec.Kind switch
        {
            ColumnKind.RowId => Int64Type.Default,
            ColumnKind.Day or ColumnKind.Categorical => Int32Type.Default,
            ColumnKind.Binary or ColumnKind.Numeric => FloatType.Default,
            _ => UInt8Type.Default,
        };
        var metadata = new Dictionary<string, string> { [KindMetadata] = spec.Kind.ToString() };
        if (spec.Kind == ColumnKind.Categorical)
        {
            metadata[LevelsMetadata] = string.Join(',', frame.Categorical(spec.Name).Levels.Select(l => l.ToString(CultureInfo.InvariantCulture)));
        }
        return new Field(spec.Name, type, nullable: false, metadata);
    }

    /// <summary>The array a column is stored in, as bytes (all types are blittable).</summary>
    private static Span<byte> ColumnBytes(Frame frame, ColumnSpec spec) => spec.Kind switch
    {
        ColumnKind.RowId => MemoryMarshal.AsBytes(frame.RowIds.AsSpan()),
        ColumnKind.Day => MemoryMarshal.AsBytes(frame.Days.AsSpan()),
        ColumnKind.Categorical => MemoryMarshal.AsBytes(frame.Categorical(spec.Name).Codes.AsSpan()),
        ColumnKind.Binary or ColumnKind.Numeric => MemoryMarshal.AsBytes(frame.Numeric(spec.Name).Values.AsSpan()),
        _ => frame.Label(spec.Name).Values.AsSpan(),
    };

    private static int ElementSize(ColumnKind kind) => kind switch
    {
        ColumnKind.RowId => sizeof(long),
        ColumnKind.Day or ColumnKind.Categorical => sizeof(int),
        ColumnKind.Binary or ColumnKind.Numeric => sizeof(float),
        _ => sizeof(byte),
    };
}
