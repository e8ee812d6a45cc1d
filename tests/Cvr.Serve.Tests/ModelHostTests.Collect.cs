namespace Cvr.Serve.Tests;

public partial class ModelHostTests
{
    [Fact]
    public async Task Reload_ReplacedModel_IsCollectedWhenItsMemoryIsGivenBack()
    {
        using var dir = new TempDir();
        var folder = fixture.Copy(fixture.BundleA, dir.File("model"));
        using var host = new ModelHost(folder, TimeSpan.Zero, new ListLogger(), new ServeMetrics(), lanes: 2);
        var replaced = new List<WeakReference>();
        for (var i = 0; i < 4; i++)
        {
            // Scored on several threads, so per-thread state (lanes handed between threads) is exercised.
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Score(host))));
            replaced.Add(Track(host));
            await host.ReloadAsync();
            await host.Reclaimed;
            // The collection after the swap freed it: nothing (a lane list, a thread's slot) keeps it reachable.
            Assert.False(replaced[^1].IsAlive, $"the model replaced by reload {i + 1} is still reachable after its memory was given back");
        }
        await Score(host);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference Track(ModelHost host) => new(host.Current);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task Score(ModelHost host)
    {
        var model = host.Acquire();
        try
        {
            var lane = await model.RentAsync(CancellationToken.None);
            lane.Row.Clear();
            lane.Row.SetInteger(model.Schema.IndexOf("f_1"), 67);
            Assert.InRange(lane.Scorer.Score(lane.Row).Installed, 0, 1);
            model.Return(lane);
        }
        finally
        {
            model.Release();
        }
    }
}
