using System.CommandLine;
using Cvr.Data;

namespace Cvr.Cli.Commands;

/// <summary>The options of every command that reads data, and the one translation into <see cref="DataSetOptions"/>.</summary>
internal static class DataOptions
{
    public static readonly Option<bool> NoCacheOption = new("--no-cache")
    {
        Description = "Parse the text even when a valid Arrow cache exists, and write none.",
    };

    public static readonly Option<string?> CacheDirOption = new("--cache-dir")
    {
        Description = "Folder for the Arrow cache of parsed data (default: $CVR_CACHE_DIR, else ~/.cache/cvr/frames).",
    };

    public static DataSetOptions Read(ParseResult parse) => new()
    {
        UseCache = !parse.GetValue(NoCacheOption),
        CacheDirectory = parse.GetValue(CacheDirOption),
    };
}
