using System.Globalization;
using System.Text.Json;
using Cvr.Modeling;

namespace Cvr.Cli;

/// <summary>Prints metrics tables for people (aligned text) or machines (--json).</summary>
internal static class ResultsPrinter
{
    public static void Print(TextWriter o, string title, DayMetrics? metrics)
    {
        if (metrics is null)
        {
            return;
        }
        var inv = CultureInfo.InvariantCulture;
        o.WriteLine(string.Create(inv, $"{title}: day {metrics.Day}, {metrics.Rows:N0} rows, install rate {metrics.InstallRate:P2}"));
        o.WriteLine($"  {"model",-24} {"logloss",9} {"NCE",8} {"AUC",8} {"calib.",8} {"captured",9}");
        foreach (var m in metrics.Models)
        {
            var captured = m.CapturedShare is { } c ? c.ToString("P1", inv) : "";
            o.WriteLine(string.Create(inv, $"  {m.Model,-24} {m.LogLoss,9:F5} {m.Nce,8:F4} {m.Auc,8:F4} {m.CalibrationRatio,8:F4} {captured,9}"));
        }
    }

    public static void Json<T>(TextWriter o, T value) => o.WriteLine(JsonSerializer.Serialize(value, ModelBundle.Json));
}
