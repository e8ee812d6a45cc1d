using System.Globalization;
using System.Runtime.InteropServices;

namespace Cvr.Serve.Tests;

/// <summary>
/// A server reloaded many times stays near the size it had after its first load: what a replaced bundle held
/// (boosters, the fitted pipeline, lanes) is given back. Measured on a <c>cvr serve</c> process, whose resident
/// memory is its own (in this process, other test classes run beside it).
/// </summary>
[Trait("Category", "LightGbm")]
public partial class ReloadMemoryTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    private const int Reloads = 15;

    /// <summary>Allowed growth over the 15 reloads, from ~112 MB after the first load. Before replaced bundles were
    /// given back, this fixture's small bundle grew the server by 234–244 MB (and a scale-0.1 bundle by ~55 MB per
    /// reload, bench/results/serve.md); since, by 47–56 MB, a step in the first few reloads (reload threads, their
    /// allocator arenas) and then flat, with one run at 82 MB.</summary>
    private const double BoundMb = 100;

    private const int SigHup = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [Fact]
    public async Task SigHup_ManyReloads_ResidentMemoryStaysNearItsSizeAfterTheFirstLoad()
    {
        using var dir = new TempDir();
        var model = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var serve = await ServeProcess.Start(model, "--watch-interval", "0");
        var request = ServeFixture.Request(Enumerable.Range(0, 20).Select(fixture.Instance).ToArray());
        await serve.Predict(request);
        var first = await Settled(serve, reloads: 0);
        var sizes = new List<double> { first };
        for (var i = 1; i <= Reloads; i++)
        {
            // No request in flight: the replaced bundle is disposed at once, and given back before the reload is counted.
            Assert.Equal(0, Kill(serve.Process.Id, SigHup));
            await serve.Predict(request);
            sizes.Add(await Settled(serve, reloads: i));
        }
        var growth = sizes[^1] - first;
        Assert.True(growth <= BoundMb, $"RSS after each reload (MB): {string.Join(", ", sizes.Select(s => s.ToString("F1", CultureInfo.InvariantCulture)))}: grew {growth:F1} MB (allowed {BoundMb})");
        serve.Stop();
        Assert.Equal(Reloads, Count(serve.Stderr, "gave back the memory of bundle"));
    }

    /// <summary>The process's resident memory in MB, once <paramref name="reloads"/> reloads are counted.</summary>
    private static async Task<double> Settled(ServeProcess serve, int reloads)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}") };
        await ReloadTests.WaitUntil(async () => (await http.GetStringAsync("/metrics")).Contains($"cvr_model_reloads_total{{result=\"ok\"}} {reloads}\n", StringComparison.Ordinal));
        var line = File.ReadLines($"/proc/{serve.Process.Id}/status").Single(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    private static int Count(string text, string what)
    {
        var n = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal)) { n++; }
        return n;
    }
}
