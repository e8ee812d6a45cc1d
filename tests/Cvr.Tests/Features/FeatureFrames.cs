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
        return Read(text);
    }

    /// <summary>Every column the default (paper) feature config reads, and nothing it drops but the row id.</summary>
    public const string DefaultHeader = "f_0\tf_1\tf_2\tf_4\tf_6\tf_8\tf_11\tf_13\tf_15\tf_42\tf_54\tf_68\tf_71\tf_74\tf_18\tis_clicked\tis_installed";

    /// <summary>First value of the ranges <see cref="Novelty.Unseen"/> rows draw f_4, f_6, f_13 and f_15 from; seen
    /// rows draw below 100.</summary>
    public const int UnseenBase = 1000;

    /// <summary>
    /// Rows for the default feature config. <paramref name="novelty"/> decides per row whether its categories are
    /// the usual ones or ones <see cref="Default"/> never draws otherwise; every row draws the same random numbers
    /// whatever its novelty, so frames of the same seed differ only there.
    /// </summary>
    public static Frame Default(int rows, int seed, int firstRowId = 1, int day = -1, Func<int, Novelty>? novelty = null)
    {
        var random = new Random(seed);
        var text = new StringBuilder(DefaultHeader).Append('\n');
        var c = CultureInfo.InvariantCulture;
        for (var i = 0; i < rows; i++)
        {
            var kind = novelty?.Invoke(i) ?? Novelty.Seen;
            var f6 = random.Next(0, 40);
            var f13 = random.Next(0, 9) == 0 ? "" : random.Next(0, 3).ToString(c);
            var f15 = random.Next(0, 8);
            var installed = random.NextDouble() < 0.05 + 0.02 * (f6 % 10) + 0.03 * (f15 % 3) ? 1 : 0;
            var clicked = installed == 1 || random.NextDouble() < 0.1 ? 1 : 0;
            var f4 = f6 % 7;
            var shift = random.Next(0, 3);
            switch (kind)
            {
                case Novelty.Unseen:
                    (f4, f6, f13, f15) = (UnseenBase + shift, UnseenBase + 100 + f6, (UnseenBase + 200 + shift).ToString(c), UnseenBase + 300 + f15);
                    break;
                case Novelty.UnseenPair:
                    // Both values occur in training, but f_4 always equals f_6 % 7 there.
                    f4 = (f6 + 1 + shift) % 7;
                    break;
            }
            text.Append(c, $"{firstRowId + i}\t{(day < 0 ? 45 + random.Next(0, 22) : day)}\t{random.Next(0, 5)}\t{f4}\t{f6}\t{random.Next(0, 6)}\t{random.Next(0, 24)}\t{f13}\t{f15}\t");
            text.Append(c, $"{(random.Next(0, 100) * 0.03856407).ToString("R", c)}\t{(random.Next(0, 50) * 0.03856407).ToString("R", c)}\t");
            text.Append(c, $"{(random.Next(0, 10) == 0 ? "" : (random.NextDouble() * 1e3).ToString("R", c))}\t");
            text.Append(c, $"{(random.Next(0, 4) * 0.57112147).ToString("R", c)}\t{(random.Next(0, 30) * 0.03856407).ToString("R", c)}\t");
            // f_18 (a history key of the default config) last, so every earlier value of the row is drawn as before.
            text.Append(c, $"{random.Next(0, 12)}\t{clicked}\t{installed}\n");
        }
        return Read(text);
    }

    private static Frame Read(StringBuilder text)
    {
        using var dir = new TempDir();
        return FrameReader.Read(dir.Write("t.csv", text.ToString()), new ReadOptions { RequireLabels = true });
    }
}

/// <summary>Whether a generated row's categories occur in other generated frames.</summary>
internal enum Novelty
{
    /// <summary>The usual categories.</summary>
    Seen,
    /// <summary>f_4, f_6, f_13 and f_15 from ranges used nowhere else (so the f_4@f_6 pair is new too).</summary>
    Unseen,
    /// <summary>Usual f_4 and f_6 values in a combination used nowhere else.</summary>
    UnseenPair,
}
