using Cvr.Data;

namespace Cvr.Analysis;

public sealed record DayRows(int Day, string Split, long Rows);

/// <summary>Label shares of one split. <paramref name="Joint"/> maps "(is_clicked,is_installed)" to its share of rows.</summary>
public sealed record SplitOverview(string Split, int FirstDay, int LastDay, long Rows, double? ClickRate, double? InstallRate,
    double? LikeRate, IReadOnlyDictionary<string, double>? Joint);

public sealed record Overview(IReadOnlyList<SplitOverview> Splits, IReadOnlyList<DayRows> RowsPerDay);

/// <summary>Rows per day and split, label rates and the joint (click, install) table (paper 2.2, Table 4; data-format.md).</summary>
internal static class Overviews
{
    public static Overview Build(SplitLayout layout)
    {
        var splits = new List<SplitOverview>();
        var perDay = new List<DayRows>();
        var train = layout.TrainFrame;
        for (var s = 0; s < layout.Count; s++)
        {
            var isTest = s == layout.TestIndex;
            var frame = isTest ? layout.TestFrame! : train;
            Func<int, bool> inSplit = isTest ? _ => true : r => layout.TrainSplitOfRow[r] == s;
            var days = new SortedDictionary<int, long>();
            var joint = new long[4];
            byte[]? clicked = frame.HasLabels ? frame.Label(Schema.ClickLabel).Values : null;
            byte[]? installed = frame.HasLabels ? frame.Label(Schema.InstallLabel).Values : null;
            long rows = 0;
            for (var r = 0; r < frame.RowCount; r++)
            {
                if (!inSplit(r)) { continue; }
                rows++;
                days[frame.Days[r]] = days.GetValueOrDefault(frame.Days[r]) + 1;
                if (clicked is not null) { joint[(clicked[r] << 1) | installed![r]]++; }
            }
            perDay.AddRange(days.Select(kv => new DayRows(kv.Key, layout.Names[s], kv.Value)));
            double n = Math.Max(1, rows);
            splits.Add(clicked is null
                ? new SplitOverview(layout.Names[s], days.Keys.FirstOrDefault(), days.Keys.LastOrDefault(), rows, null, null, null, null)
                : new SplitOverview(layout.Names[s], days.Keys.FirstOrDefault(), days.Keys.LastOrDefault(), rows,
                    (joint[2] + joint[3]) / n, (joint[1] + joint[3]) / n, (joint[1] + joint[2] + joint[3]) / n,
                    new Dictionary<string, double>(StringComparer.Ordinal)
                    {
                        ["(0,0)"] = joint[0] / n, ["(1,0)"] = joint[2] / n, ["(0,1)"] = joint[1] / n, ["(1,1)"] = joint[3] / n,
                    }));
        }
        return new Overview(splits, perDay.OrderBy(d => d.Day).ToArray());
    }
}
