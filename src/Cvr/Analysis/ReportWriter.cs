using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cvr.Analysis;

/// <summary>
/// Writes report.json and report.html into a folder atomically: everything goes to a hidden sibling folder that is
/// renamed onto the target at the end, so a failure leaves no partial report.
/// </summary>
public static class ReportWriter
{
    public const string JsonName = "report.json";
    public const string HtmlName = "report.html";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // Shares and scores are finite by construction; this keeps a stray NaN from failing the whole report.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Write(string outDir, AnalysisResult result, bool overwrite)
    {
        var target = Path.GetFullPath(outDir);
        if (File.Exists(target)) { throw new IOException($"Output path '{outDir}' is a file, not a folder."); }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
        {
            throw new IOException($"Output folder '{outDir}' exists and is not empty; choose another folder or pass --overwrite.");
        }
        var parent = Path.GetDirectoryName(target) ?? throw new ConfigurationException($"Output folder '{outDir}' cannot be a file-system root.");
        Directory.CreateDirectory(parent);
        var temp = IO.AtomicFolder.TemporarySibling(target);
        Directory.CreateDirectory(temp);
        try
        {
            File.WriteAllText(Path.Combine(temp, JsonName), JsonSerializer.Serialize(result.Report, JsonOptions));
            File.WriteAllText(Path.Combine(temp, HtmlName), HtmlReport.Render(result));
            IO.AtomicFolder.MoveIntoPlace(temp, target);
        }
        catch
        {
            IO.AtomicFolder.TryDelete(temp);
            throw;
        }
    }
}
