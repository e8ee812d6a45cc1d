using System.Security.Cryptography;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;

namespace Cvr.Serve;

/// <summary>
/// One loaded bundle, ready to score, and counted: each request holds a lease (<see cref="TryAcquire"/>) and the
/// host holds one while the model is current, so a replaced model is disposed only after its last request.
/// </summary>
/// <remarks>
/// The bundle is read, verified and parsed once (<see cref="ScoringModel.Load"/>); scoring runs in
/// <see cref="Lane"/>s, each with its own copy of the boosters made from the verified model texts, sharing the one
/// fitted pipeline and the members, rented for a whole request. Lanes are serving's one concurrency mechanism: a lane
/// serves one request at a time, so its scorer, explainer and boosters need no guard of their own. LightGBM
/// serialises single-row calls per booster, so requests sharing boosters would queue on each other row by row;
/// under load the wake-ups cost more than the scoring (measured: batches of 1,000 rows at 4 connections went from
/// ~1,100 rows/s with shared boosters to the numbers in bench/results/serve.md). One lane per core keeps every core
/// busy and no request waiting.
/// </remarks>
internal sealed class LoadedModel : IDisposable
{
    private readonly ScoringModel _model;
    private readonly Lane[] _all;

    /// <summary>Free lanes, the last returned on top (its caches are warm). Not a ConcurrentBag: a bag keeps each
    /// thread's items in a ThreadLocal whose slots stay reachable from those threads until the ThreadLocal's
    /// finalizer runs, so a replaced model could not be freed by one collection (the collection after a reload
    /// runs the finalizers, so it is freed either way; the tests pass with a bag too).</summary>
    private readonly Stack<Lane> _free;
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _available;
    private readonly int[] _columnOfField;
    private int _leases = 1;

    private LoadedModel(ScoringModel model, Lane[] lanes, string stamp)
    {
        Stamp = stamp;
        _model = model;
        _all = lanes;
        _free = new Stack<Lane>(lanes);
        _available = new SemaphoreSlim(lanes.Length, lanes.Length);
        Schema = lanes[0].Scorer.Features.Schema;
        FeatureNames = lanes[0].Explainer.Explainer.FeatureNames;
        Unexplainable = lanes[0].Explainer.Explainer.Unexplainable;
        _columnOfField = new int[Schema.Columns.Select(c => FieldNumber(c.Name)).Max() + 1];
        Array.Fill(_columnOfField, -1);
        for (var c = 0; c < Schema.Count; c++) { _columnOfField[FieldNumber(Schema.Columns[c].Name)] = c; }
        LoadedAt = DateTimeOffset.UtcNow;
    }

    public BundleManifest Manifest => _model.Manifest;

    /// <summary>SHA-256 of the bundle's SHA256SUMS as the load verified it: one value that changes with any file of the bundle.</summary>
    public string BundleHash => _model.BundleHash;

    /// <summary>What <see cref="StampOf"/> said of the folder just before it was loaded.</summary>
    public string Stamp { get; }

    /// <summary>The raw columns an instance may hold (f_0, the row id, is always allowed).</summary>
    public Schema Schema { get; }

    /// <summary>The model inputs in matrix order: what an explanation's contributions are indexed by.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Why explain requests can't be answered for this bundle (see <c>Explainer.Unexplainable</c>), or null.</summary>
    public string? Unexplainable { get; }

    public DateTimeOffset LoadedAt { get; }

    public int LaneCount => _all.Length;

    /// <summary>The column of <c>f_N</c>, or −1 when the model has no such input.</summary>
    public int ColumnOf(int fieldNumber) => fieldNumber >= 0 && fieldNumber < _columnOfField.Length ? _columnOfField[fieldNumber] : -1;

    /// <summary>A free lane, waiting for one when all are busy; give it back with <see cref="Return"/>.</summary>
    public async ValueTask<Lane> RentAsync(CancellationToken ct)
    {
        await _available.WaitAsync(ct).ConfigureAwait(false);
        lock (_free)
        {
            return _free.TryPop(out var lane) ? lane : throw new InvalidOperationException("a lane was counted free but none was");
        }
    }

    public void Return(Lane lane)
    {
        lock (_free) { _free.Push(lane); }
        _available.Release();
    }

    /// <summary>Completes when the last lease is released and the lanes and the model (boosters, members) are disposed.</summary>
    public Task Disposed => _disposed.Task;

    /// <summary>Loads and verifies a bundle once (checksums, every model) with one copy of its boosters per lane, and
    /// scores one row per lane; throws <see cref="ModelBundleException"/> or <see cref="IOException"/> for a bad one.
    /// Its ensemble members are reloaded by their kinds of <paramref name="kinds"/> (none when null).</summary>
    public static LoadedModel Load(string directory, int lanes = 1, EnsembleMemberKinds? kinds = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lanes, 1);
        // Before loading: a change made while loading shows as a new stamp and loads again.
        var stamp = StampOf(directory);
        var model = ScoringModel.Load(directory, lanes, kinds);
        var loaded = new List<Lane>(lanes);
        try
        {
            foreach (var copy in model.Copies) { loaded.Add(new Lane(model, copy)); }
            foreach (var lane in loaded) { lane.SelfCheck(); }
            return new LoadedModel(model, [.. loaded], stamp ?? "");
        }
        catch
        {
            foreach (var lane in loaded) { lane.Dispose(); }
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Changes whenever the bundle folder does: its SHA256SUMS hash, and the modification times of the folder and its
    /// files (a folder replaced whole, or a file edited in place, which SHA256SUMS alone would not show). Null
    /// while there is no SHA256SUMS to read (e.g. mid-replacement).
    /// </summary>
    public static string? StampOf(string directory)
    {
        try
        {
            var info = new DirectoryInfo(directory);
            var latest = info.LastWriteTimeUtc.Ticks;
            foreach (var file in info.EnumerateFiles()) { latest = Math.Max(latest, file.LastWriteTimeUtc.Ticks); }
            return $"{HashOf(directory)}@{latest}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>For change detection only: the loaded bundle's identity is <see cref="BundleHash"/>, from the bytes
    /// the load verified.</summary>
    private static string HashOf(string directory)
        => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, BundleChecksums.FileName))));

    private static int FieldNumber(string name) => int.Parse(name.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);

    public bool TryAcquire()
    {
        var leases = Volatile.Read(ref _leases);
        while (leases > 0)
        {
            var seen = Interlocked.CompareExchange(ref _leases, leases + 1, leases);
            if (seen == leases) { return true; }
            leases = seen;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _leases) == 0)
        {
            foreach (var lane in _all) { lane.Dispose(); }
            _model.Dispose();
            _available.Dispose();
            _disposed.SetResult();
        }
    }

    /// <summary>Drops the host's lease.</summary>
    public void Dispose() => Release();
}
