using System.Security.Cryptography;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;

namespace Cvr.Serve;

/// <summary>
/// One loaded bundle, ready to score, and counted: each request holds a lease (<see cref="TryAcquire"/>) and the
/// host holds one while the model is current, so a replaced model is disposed only after its last request.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private readonly TrainedSystem _system;
    private readonly ThreadLocal<RawRow> _rows;
    private readonly int[] _columnOfField;
    private int _leases = 1;

    private LoadedModel(TrainedSystem system, BundleManifest manifest, string bundleHash, string stamp)
    {
        Stamp = stamp;
        _system = system;
        Manifest = manifest;
        BundleHash = bundleHash;
        Scorer = new RowScorer(system);
        Schema = Scorer.Features.Schema;
        _rows = new ThreadLocal<RawRow>(Scorer.CreateRow);
        _columnOfField = new int[Schema.Columns.Select(c => FieldNumber(c.Name)).Max() + 1];
        Array.Fill(_columnOfField, -1);
        for (var c = 0; c < Schema.Count; c++) { _columnOfField[FieldNumber(Schema.Columns[c].Name)] = c; }
        LoadedAt = DateTimeOffset.UtcNow;
    }

    public BundleManifest Manifest { get; }

    /// <summary>SHA-256 of the bundle's SHA256SUMS: one value that changes with any file of the bundle.</summary>
    public string BundleHash { get; }

    /// <summary>What <see cref="StampOf"/> said of the folder just before it was loaded.</summary>
    public string Stamp { get; }

    public RowScorer Scorer { get; }

    /// <summary>The raw columns an instance may hold (f_0, the row id, is always allowed).</summary>
    public Schema Schema { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>This thread's reusable row.</summary>
    public RawRow Row => _rows.Value!;

    /// <summary>The column of <c>f_N</c>, or −1 when the model has no such input.</summary>
    public int ColumnOf(int fieldNumber) => fieldNumber >= 0 && fieldNumber < _columnOfField.Length ? _columnOfField[fieldNumber] : -1;

    /// <summary>Loads and verifies a bundle (checksums, every model, one scored row); throws <see cref="ModelBundleException"/>
    /// or <see cref="IOException"/> for a bad one.</summary>
    public static LoadedModel Load(string directory)
    {
        // Before loading: a change made while loading shows as a new stamp and loads again.
        var stamp = StampOf(directory);
        var (system, manifest) = ModelBundleLoader.Load(directory);
        try
        {
            var model = new LoadedModel(system, manifest, HashOf(directory), stamp ?? "");
            model.SelfCheck();
            return model;
        }
        catch
        {
            system.Dispose();
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

    private static string HashOf(string directory)
        => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, BundleChecksums.FileName))));

    /// <summary>Scores one row of the validation day with every input missing: the boosters and the feature path
    /// work before the model takes traffic.</summary>
    private void SelfCheck()
    {
        var row = Row;
        row.Clear();
        row.SetInteger(Schema.IndexOf(Schema.DayColumn), _system.Split.ValidationDay);
        var p = Scorer.Score(row);
        if (!double.IsFinite(p.Installed) || p.Installed is < 0 or > 1)
        {
            throw new ModelBundleException($"the bundle scored {p.Installed} for a test row (expected a probability)");
        }
    }

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
            Scorer.Dispose();
            _rows.Dispose();
            _system.Dispose();
        }
    }

    /// <summary>Drops the host's lease.</summary>
    public void Dispose() => Release();
}
