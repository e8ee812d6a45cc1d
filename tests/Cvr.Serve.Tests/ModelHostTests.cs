namespace Cvr.Serve.Tests;

[Trait("Category", "LightGbm")]
public partial class ModelHostTests(ServeFixture fixture) : IClassFixture<ServeFixture>
{
    [Fact]
    public async Task Reload_WhileARequestHoldsTheOldModel_DisposesItOnlyAfterItsLastLease()
    {
        using var dir = new TempDir();
        var folder = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var host = new ModelHost(folder, TimeSpan.Zero, new ListLogger(), new ServeMetrics(), lanes: 2);
        var old = host.Acquire();
        fixture.ReplaceAtomically(folder, fixture.BundleB);
        await host.ReloadAsync();
        Assert.NotSame(old, host.Current);
        Assert.False(old.Disposed.IsCompleted);
        Assert.False(host.Reclaimed.IsCompleted);
        // The request that took the old model before the swap still scores on it...
        var lane = await old.RentAsync(CancellationToken.None);
        lane.Row.Clear();
        lane.Row.SetInteger(old.Schema.IndexOf("f_1"), 67);
        Assert.InRange(lane.Scorer.Score(lane.Row).Installed, 0, 1);
        old.Return(lane);
        Assert.True(old.TryAcquire());
        old.Release();
        // ...and its last release disposes it: no new lease can be taken.
        old.Release();
        Assert.False(old.TryAcquire());
        Assert.True(old.Disposed.IsCompleted);
        await host.Reclaimed;
        var current = host.Acquire();
        Assert.Same(host.Current, current);
        current.Release();
    }
}
