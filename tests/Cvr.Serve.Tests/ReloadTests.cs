using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Cvr.Serve.Tests;

[Trait("Category", "LightGbm")]
public sealed class ReloadTests(ServeFixture fixture) : ReloadTests<ServeFixture>(fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    internal static async Task<string> Hash(TestServer server) => (await server.Get("/v1/models/cvr")).GetProperty("bundle_sha256").GetString()!;

    internal static async Task WaitUntil(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) { Assert.Fail($"not within {Patience.TotalSeconds} s"); }
            await Task.Delay(50);
        }
    }
}

/// <summary>Hot reload between bundles with the MMOE, and the refusal of one whose deep model is corrupted.</summary>
[Trait("Category", "LightGbm")]
public sealed class MmoeReloadTests(MmoeServeFixture fixture) : ReloadTests<MmoeServeFixture>(fixture);

/// <summary>Hot reload of the bundles of a fixture under a real server.</summary>
public abstract class ReloadTests<TFixture>(TFixture fixture) : IClassFixture<TFixture> where TFixture : ServeFixture
{
    [Fact]
    public async Task Reload_FolderReplacedUnderLoad_SwapsWithoutAFailedRequest()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var hashA = await ReloadTests.Hash(server);
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentBag<string>();
        long requests = 0, fromB = 0;
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var r = c; !stop.IsCancellationRequested; r = (r + 4) % fixture.TestRows.Length)
            {
                try
                {
                    var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(r)));
                    Interlocked.Increment(ref requests);
                    if (status != HttpStatusCode.OK) { failures.Add($"{status}: {body}"); continue; }
                    var p = body.GetProperty("predictions")[0].GetProperty("is_installed").GetDouble();
                    var id = fixture.RowId(r);
                    // Each answer is one bundle's, whole: never a mixture.
                    if (p == fixture.SubmissionB[id].Installed) { Interlocked.Increment(ref fromB); }
                    else if (p != fixture.SubmissionA[id].Installed) { failures.Add($"row {r}: {p:R} is neither bundle's score"); }
                }
                catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
                {
                    failures.Add(e.Message);
                }
            }
        })).ToArray();
        // Conditions, not fixed delays: on a loaded machine the clients may answer nothing in half a second.
        await ReloadTests.WaitUntil(() => Task.FromResult(Interlocked.Read(ref requests) >= 8));
        var before = Interlocked.Read(ref requests);
        fixture.ReplaceAtomically(server.ModelDir, fixture.BundleB);
        await ReloadTests.WaitUntil(async () => await ReloadTests.Hash(server) != hashA);
        await ReloadTests.WaitUntil(() => Task.FromResult(Interlocked.Read(ref fromB) >= 8));
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.Empty(failures);
        Assert.True(before > 0 && requests > before, $"load before the swap {before}, in all {requests}");
        Assert.True(fromB > 0);
        Assert.NotEqual(fixture.SubmissionA[fixture.RowId(0)].Installed, fixture.SubmissionB[fixture.RowId(0)].Installed);
        var (_, last) = await server.Post(ServeFixture.Request(fixture.Instance(0)));
        ServerTests.AssertSame(fixture.SubmissionB[fixture.RowId(0)], last.GetProperty("predictions")[0], 0);
        Assert.Contains(server.Log.Lines, l => l.StartsWith("Information: reloaded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_CorruptedBundle_IsRefusedAndLoggedWhileTheOldOneKeepsServing()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var hashA = await ReloadTests.Hash(server);
        fixture.ReplaceAtomically(server.ModelDir, fixture.BundleB, edit: dir =>
        {
            var path = Path.Combine(dir, fixture.ModelFile);
            var bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 1;
            File.WriteAllBytes(path, bytes);
        });
        await ReloadTests.WaitUntil(async () => (await server.Client.GetStringAsync("/metrics")).Contains("cvr_model_reloads_total{result=\"refused\"} 1\n", StringComparison.Ordinal));
        Assert.Equal(hashA, await ReloadTests.Hash(server));
        var (status, body) = await server.Post(ServeFixture.Request(fixture.Instance(1)));
        Assert.Equal(HttpStatusCode.OK, status);
        ServerTests.AssertSame(fixture.SubmissionA[fixture.RowId(1)], body.GetProperty("predictions")[0], 1);
        Assert.Contains(server.Log.Lines, l => l.StartsWith("Error: refused the new model", StringComparison.Ordinal) && l.Contains(fixture.ModelFile, StringComparison.Ordinal));
        // Refused once, not retried on every check while the files stay the same.
        await Task.Delay(500);
        Assert.Contains("cvr_model_reloads_total{result=\"refused\"} 1\n", await server.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        // A good bundle afterwards is taken.
        fixture.ReplaceAtomically(server.ModelDir, fixture.BundleB);
        await ReloadTests.WaitUntil(async () => await ReloadTests.Hash(server) != hashA);
        // Counted once the replaced bundle's memory is given back, a moment after the swap.
        await ReloadTests.WaitUntil(async () => (await server.Client.GetStringAsync("/metrics")).Contains("cvr_model_reloads_total{result=\"ok\"} 1\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reload_FolderMissingForAWhile_KeepsServingAndTakesTheNewOneWhenItAppears()
    {
        using var server = new TestServer(fixture, fixture.BundleA);
        var hashA = await ReloadTests.Hash(server);
        var aside = server.ModelDir + ".aside";
        Directory.Move(server.ModelDir, aside);
        await Task.Delay(400);
        var (status, _) = await server.Post(ServeFixture.Request(fixture.Instance(2)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(hashA, await ReloadTests.Hash(server));
        Assert.Contains("cvr_model_reloads_total{result=\"refused\"} 0\n", await server.Client.GetStringAsync("/metrics"), StringComparison.Ordinal);
        fixture.Copy(fixture.BundleB, server.ModelDir);
        await ReloadTests.WaitUntil(async () => await ReloadTests.Hash(server) != hashA);
        Directory.Delete(aside, recursive: true);
    }
}
