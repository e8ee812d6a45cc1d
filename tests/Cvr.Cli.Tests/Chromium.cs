using System.Diagnostics;

namespace Cvr.Cli.Tests;

/// <summary>Headless Chromium, isolated: a fresh profile, no network services, no sandbox (tests run as root in CI).</summary>
internal static class Chromium
{
    public const string SkipReason = "chromium not found (looked at $CHROMIUM, /usr/bin/chromium and PATH); install it with: apt-get install -y chromium";

    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    public static string? Path { get; } = Find();

    /// <summary>Loads the page, lets its scripts run, and returns the DOM as the browser sees it.</summary>
    public static string DumpDom(string file) => Run(["--dump-dom", new Uri(file).AbsoluteUri]).Out;

    /// <summary>Renders the page to a PNG of the given window size.</summary>
    public static void Screenshot(string file, string png, int width, int height)
        => Run([$"--screenshot={png}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(file).AbsoluteUri]);

    private static (string Out, string Err) Run(IEnumerable<string> args)
    {
        var profile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cvr-chromium-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(profile);
        try
        {
            var info = new ProcessStartInfo(Path!)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", $"--user-data-dir={profile}",
                // Gives the page's load handler time to run before the DOM is dumped or the screenshot taken.
                "--virtual-time-budget=5000",
            }.Concat(args))
            {
                info.ArgumentList.Add(a);
            }
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(s_timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish in {s_timeout.TotalSeconds} s");
            }
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {stderr.Result}");
            }
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(profile, recursive: true); }
            catch (IOException) { /* best effort: chromium may still hold a lock file */ }
        }
    }

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => System.IO.Path.Combine(d, "chromium")));
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
    }
}

/// <summary>A fact that skips, with the install command as the reason, where chromium is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null) { Skip = Chromium.SkipReason; }
    }
}
