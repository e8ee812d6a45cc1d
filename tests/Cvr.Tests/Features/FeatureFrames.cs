using System.Globalization;
using System.Text;
using Cvr.Data;

namespace Cvr.Tests.Features;

/// <summary>Small random frames built through the real reader.</summary>
internal static class FeatureFrames
{
    public const string Header = "f_0\tf_1\tf_2\tf_4\tf_6\tf_11\tf_13\tf_71\tf_42\tf_64\tis_clicked\tis_installed";

    /// <summary>Rows with a few categories, counts as multiples of their paper base, some blanks.</summary>
    public static Frame Random(int rows, int seed, int firstRowId = 1, int day = -1, Func<int, int>? label = null)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < rows; i++)
        {
            var f6 = random.Next(0, 40);
            // Always draw, so overriding one label leaves every other value of the frame as it was.
            var drawn = random.NextDouble() < 0.1 + 0.02 * (f6 % 10) ? 1 : 0;
            var install = label?.Invoke(i) ?? drawn;
            text.Append(CultureInfo.InvariantCulture, $"{firstRowId + i}\t{(day < 0 ? 45 + random.Next(0, 22) : day)}\t{random.Next(0, 5)}\t{f6 % 7}\t{f6}\t{random.Next(0, 24)}\t{(random.Next(0, 9) == 0 ? "" : random.Next(0, 3).ToString(CultureInfo.InvariantCulture))}\t");
            text.Append(CultureInfo.InvariantCulture, $"{(random.Next(0, 4) * 0.57112147).ToString("R", CultureInfo.InvariantCulture)}\t{(random.Next(0, 100) * 0.03856407).ToString("R", CultureInfo.InvariantCulture)}\t");
            text.Append(CultureInfo.InvariantCulture, $"{(random.Next(0, 10) == 0 ? "" : (random.NextDouble() * 1e8).ToString("R", CultureInfo.InvariantCulture))}\t{random.Next(0, 2)}\t{install}\n");
        }
        using var dir = new TempDir();
        return FrameReader.Read(dir.Write("t.csv", text.ToString()), new ReadOptions { RequireLabels = true });
    }
}
