using Microsoft.Extensions.Logging;

namespace Cvr.Serve;

/// <summary>
/// Holds the model being served and replaces it without failing a request: a new bundle (the folder replaced,
/// noticed by polling its SHA256SUMS and modification times, or a reload asked for by SIGHUP) is loaded and verified on a background
/// thread, then swapped in with one atomic exchange; requests that hold the old one finish on it. A bundle that
/// fails to load is refused, logged, and not retried until its files change; the old one keeps serving.
/// </summary>
internal sealed class ModelHost : IDisposable
{
    private readonly string _directory;
    private readonly int _lanes;
    private readonly Modeling.EnsembleMemberKinds? _kinds;
    private readonly ILogger _logger;
    private readonly ServeMetrics _metrics;
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly Timer _poll;
    private LoadedModel _current;
    private string? _refusedStamp;
    private Task _reclaimed = Task.CompletedTask;

    public ModelHost(string directory, TimeSpan pollInterval, ILogger logger, ServeMetrics metrics, int lanes = 1, Modeling.EnsembleMemberKinds? kinds = null)
    {
        _directory = directory;
        _lanes = lanes;
        _kinds = kinds;
        _logger = logger;
        _metrics = metrics;
        _current = LoadedModel.Load(directory, lanes, kinds);
        _logger.LogInformation("serving model {Directory} (bundle {Hash})", directory, _current.BundleHash[..12]);
        var period = pollInterval > TimeSpan.Zero ? pollInterval : Timeout.InfiniteTimeSpan; // 0: SIGHUP only
        _poll = new Timer(_ => _ = CheckAsync(force: false), null, period, period);
    }

    /// <summary>The current model with a lease taken: release it when the request is done.</summary>
    public LoadedModel Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model.TryAcquire()) { return model; }
            // Replaced and released between the read and the lease: the next read sees the new one.
        }
    }

    /// <summary>The current model, for reporting only (no lease).</summary>
    public LoadedModel Current => Volatile.Read(ref _current);

    /// <summary>Reloads now (SIGHUP), even when the folder looks unchanged.</summary>
    public Task ReloadAsync() => CheckAsync(force: true);

    private async Task CheckAsync(bool force)
    {
        if (!await _reloading.WaitAsync(force ? Timeout.Infinite : 0).ConfigureAwait(false)) { return; }
        try
        {
            // A folder mid-replacement (moved aside, not yet back) has no SHA256SUMS: try again on the next tick.
            var stamp = LoadedModel.StampOf(_directory);
            if (!force && (stamp is null || stamp == Current.Stamp || stamp == _refusedStamp)) { return; }
            await Task.Run(Reload).ConfigureAwait(false);
        }
        finally
        {
            _reloading.Release();
        }
    }

    private void Reload()
    {
        LoadedModel next;
        try
        {
            next = LoadedModel.Load(_directory, _lanes, _kinds);
        }
        catch (Exception e) when (e is CvrException or IOException or UnauthorizedAccessException
            or System.Text.Json.JsonException or LightGbm.LightGbmException)
        {
            _refusedStamp = LoadedModel.StampOf(_directory);
            _metrics.Reloaded(ok: false);
            _logger.LogError("refused the new model in {Directory}, still serving bundle {Hash}: {Message}", _directory, Current.BundleHash[..12], e.Message);
            return;
        }
        _refusedStamp = null;
        var (disposed, oldHash) = Swap(next);
        // The replaced bundle is disposed after its last request (at once when none is in flight: then its memory
        // is given back here, before the reload is counted); then what it held goes back to the OS.
        if (disposed.IsCompleted)
        {
            GiveBack(oldHash);
            Volatile.Write(ref _reclaimed, Task.CompletedTask);
        }
        else
        {
            Volatile.Write(ref _reclaimed, disposed.ContinueWith(_ => GiveBack(oldHash), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
        }
        _metrics.Reloaded(ok: true);
    }

    /// <summary>Swaps <paramref name="next"/> in and drops the host's lease on the old model. Its own frame, so no
    /// reference to the old model stays on the reloading thread's stack when the memory is given back.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private (Task Disposed, string Hash) Swap(LoadedModel next)
    {
        var old = Interlocked.Exchange(ref _current, next);
        _logger.LogInformation("reloaded {Directory}: now serving bundle {Hash} (was {Old})", _directory, next.BundleHash[..12], old.BundleHash[..12]);
        old.Release();
        return (old.Disposed, old.BundleHash[..12]);
    }

    /// <summary>Completes when the bundle replaced by the latest reload is disposed and its memory given back.</summary>
    internal Task Reclaimed => Volatile.Read(ref _reclaimed);

    private void GiveBack(string hash)
    {
        var before = ProcessMemory.Resident();
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        ProcessMemory.GiveBack();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        _logger.LogInformation("gave back the memory of bundle {Hash} in {Milliseconds:F0} ms: resident {Before:F0} → {After:F0} MB (managed heap {Managed:F0} MB)",
            hash, elapsed.TotalMilliseconds, before / 1048576.0, ProcessMemory.Resident() / 1048576.0, GC.GetTotalMemory(false) / 1048576.0);
    }

    public void Dispose()
    {
        _poll.Dispose();
        _reloading.Wait();
        _current.Release();
    }
}
