namespace Cvr.Data;

/// <summary>Counts that tell at a glance what a split holds: rows per day, label rates, missing values, cardinalities.</summary>
public sealed record SplitSummary(
    string Name,
    int Rows,
    IReadOnlyDictionary<int, int> RowsPerDay,
    double? ClickRate,
    double? InstallRate,
    IReadOnlyDictionary<string, double>? JointLabels,
    IReadOnlyDictionary<string, double> MissingRates,
    IReadOnlyDictionary<string, int> Cardinalities,
    long FrameBytes)
{
    public static SplitSummary Of(string name, Frame frame)
    {
        var perDay = frame.Days.GroupBy(d => d).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());
        double? clickRate = null, installRate = null;
        Dictionary<string, double>? joint = null;
        if (frame.HasLabels)
        {
            var clicked = frame.Label(Schema.ClickLabel).Values;
            var installed = frame.Label(Schema.InstallLabel).Values;
            var counts = new long[4];
            for (var i = 0; i < frame.RowCount; i++)
            {
                counts[(clicked[i] << 1) | installed[i]]++;
            }
            double n = frame.RowCount;
            clickRate = (counts[2] + counts[3]) / n;
            installRate = (counts[1] + counts[3]) / n;
            joint = new Dictionary<string, double>
            {
                ["(0,0)"] = counts[0] / n,
                ["(0,1)"] = counts[1] / n,
                ["(1,0)"] = counts[2] / n,
                ["(1,1)"] = counts[3] / n,
            };
        }
        var missing = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in frame.Categoricals)
        {
            var m = c.Codes.Count(v => v == CategoricalColumn.Missing);
            if (m > 0) { missing[c.Name] = m / (double)frame.RowCount; }
        }
        foreach (var c in frame.Numerics)
        {
            var m = c.Values.Count(float.IsNaN);
            if (m > 0) { missing[c.Name] = m / (double)frame.RowCount; }
        }
        var cardinalities = frame.Categoricals.ToDictionary(c => c.Name, c => c.Cardinality, StringComparer.Ordinal);
        return new SplitSummary(name, frame.RowCount, perDay, clickRate, installRate, joint, missing, cardinalities, frame.SizeInBytes);
    }
}
