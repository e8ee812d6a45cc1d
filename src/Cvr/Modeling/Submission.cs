using System.Globalization;
using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>
/// The challenge's submission: TAB-separated, header <c>RowId	is_clicked	is_installed</c>, one row per test row.
/// <c>is_clicked</c> is the click model's probability when the bundle has one, else 0 (only is_installed is scored).
/// </summary>
public static class Submission
{
    public const string RowIdColumn = "RowId";
    public static readonly string[] Header = [RowIdColumn, Schema.ClickLabel, Schema.InstallLabel];

    public static void Write(string path, IReadOnlyList<long> rowIds, IReadOnlyList<double> installed, IReadOnlyList<double>? clicked)
    {
        IO.AtomicFile.WriteText(path, writer =>
        {
            writer.WriteLine(string.Join('\t', Header));
            var inv = CultureInfo.InvariantCulture;
            for (var i = 0; i < rowIds.Count; i++)
            {
                writer.Write(rowIds[i].ToString(inv));
                writer.Write('\t');
                writer.Write(clicked is null ? "0" : clicked[i].ToString("R", inv));
                writer.Write('\t');
                writer.WriteLine(installed[i].ToString("R", inv));
            }
        });
    }
}
