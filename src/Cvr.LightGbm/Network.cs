using System.Globalization;
using Cvr.LightGbm.Native;

namespace Cvr.LightGbm;

/// <summary>
/// LightGBM's socket network for data-parallel training: every process holds part of the rows, and they train
/// one model together. LightGBM has a single process-wide network, so at most one <see cref="Network"/> is
/// active at a time. Order matters: initialise the network first, then build the datasets (LightGBM agrees
/// on bin boundaries across machines only while the network is up), then train with
/// <see cref="Configure"/>d parameters.
/// </summary>
public sealed class Network : IDisposable
{
    private static readonly Lock s_lock = new();
    private static long s_lastEpoch;
    private static long s_activeEpoch;
    private bool _disposed;

    private Network(long epoch, int machineCount)
    {
        Epoch = epoch;
        MachineCount = machineCount;
    }

    /// <summary>The network session datasets are being built under now; 0 when no network is active.</summary>
    internal static long ActiveEpoch => Interlocked.Read(ref s_activeEpoch);

    internal long Epoch { get; }

    public int MachineCount { get; }

    /// <summary>Connects to the other machines; blocks until all are reachable or the time-out passes.</summary>
    /// <param name="machines">Every machine including this one, as "host:port".</param>
    /// <param name="localListenPort">The port this process listens on (its own entry in <paramref name="machines"/>).</param>
    /// <param name="timeoutMinutes">LightGBM's socket time-out, in minutes.</param>
    public static Network Initialize(IReadOnlyList<string> machines, int localListenPort, int timeoutMinutes = 2)
    {
        ArgumentNullException.ThrowIfNull(machines);
        if (machines.Count < 2)
        {
            throw new ArgumentException("Data-parallel training needs at least two machines.", nameof(machines));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(localListenPort);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeoutMinutes);
        LightGbmLibrary.EnsureInitialized();
        lock (s_lock)
        {
            if (s_activeEpoch != 0)
            {
                throw new InvalidOperationException("A LightGBM network is already active in this process; dispose it first.");
            }
            int status;
            using (new StdoutToStderr())
            {
                status = NativeMethods.LGBM_NetworkInit(string.Join(',', machines), localListenPort, timeoutMinutes, machines.Count);
            }
            NativeCheck.Check(status, nameof(NativeMethods.LGBM_NetworkInit));
            var epoch = ++s_lastEpoch;
            Interlocked.Exchange(ref s_activeEpoch, epoch);
            return new Network(epoch, machines.Count);
        }
    }

    /// <summary>Local machines "127.0.0.1:port" for the given ports, for single-host tests.</summary>
    public static IReadOnlyList<string> Localhost(IEnumerable<int> ports) =>
        ports.Select(p => "127.0.0.1:" + p.ToString(CultureInfo.InvariantCulture)).ToList();

    /// <summary>
    /// The parameters for data-parallel training on this network: tree_learner=data, num_machines=n and
    /// pre_partition=true (each process passes only its own rows). Use them for datasets and the booster.
    /// </summary>
    public LightGbmParameters Configure(LightGbmParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return parameters with { TreeLearner = "data", NumMachines = MachineCount, PrePartition = true };
    }

    /// <summary>Throws when a dataset for distributed training was binned outside this network session.</summary>
    internal static void EnsureBuiltUnderActiveNetwork(Dataset dataset)
    {
        var active = ActiveEpoch;
        if (active == 0 || dataset.NetworkEpoch != active)
        {
            throw new InvalidOperationException(
                "Distributed training needs datasets built after Network.Initialize (in the same network session); " +
                "otherwise the machines bin features differently and silently train different models.");
        }
    }

    public void Dispose()
    {
        lock (s_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Interlocked.Exchange(ref s_activeEpoch, 0);
            NativeCheck.Check(NativeMethods.LGBM_NetworkFree(), nameof(NativeMethods.LGBM_NetworkFree));
        }
    }
}
