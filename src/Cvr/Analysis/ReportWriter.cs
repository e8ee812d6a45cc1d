using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cvr.Analysis;

/// <summary>Writes the data report's report.json and report.html into a folder atomically (<see cref="Reporting.ReportFolder"/>).</summary>
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
        => Reporting.ReportFolder.Write(outDir, overwrite,
            (JsonName, () => JsonSerializer.Serialize(result.Report, JsonOptions)), (HtmlName, () => HtmlReport.Render(result)));
}
