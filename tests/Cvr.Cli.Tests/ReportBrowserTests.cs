using System.Text.RegularExpressions;

namespace Cvr.Cli.Tests;

/// <summary>Opens the analyze report in a real (headless) browser: sections present, every image decoded.</summary>
public partial class ReportBrowserTests
{
    [ChromiumFact]
    public void Report_InHeadlessChromium_RendersEverySectionAndImage()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        var (exit, _, err) = CliRunner.Run("generate", "--out", data, "--scale", "0.01", "--seed", "9", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        (exit, _, err) = CliRunner.Run("analyze", "--data", data, "--out", dir.File("report"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
        var html = dir.File("report/report.html");
        var imagesInFile = Regex.Matches(File.ReadAllText(html), "<img ").Count;

        var dom = Chromium.DumpDom(html);

        // The page's own script ran after load and found every image decoded (naturalWidth > 0).
        Assert.Contains("data-images-ok=\"true\"", dom);
        var count = ImageCount().Match(dom);
        Assert.True(count.Success, "the page script did not record the image count");
        Assert.Equal(imagesInFile, int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(imagesInFile > 70, $"only {imagesInFile} images");
        foreach (var id in new[] { "overview", "columns", "base-values", "missing", "distributions", "duplicates", "churn" })
        {
            Assert.Contains($"<section id=\"{id}\">", dom);
        }
        Assert.Contains("Base values (Table 2)", dom);
        Assert.Contains("Entity churn: new ads and apps per day", dom);
        Assert.Contains("alt=\"share of rows on entities first seen that day\"", dom);

        var png = dir.File("shot.png");
        Chromium.Screenshot(html, png, 1280, 1600);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 20_000, $"screenshot of {bytes.Length} bytes looks blank");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    [GeneratedRegex("data-image-count=\"(\\d+)\"")]
    private static partial Regex ImageCount();
}
