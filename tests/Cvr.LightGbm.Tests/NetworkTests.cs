using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Cvr.LightGbm.Tests;

public class NetworkTests
{
    private static readonly TimeSpan s_workerTimeout = TimeSpan.FromMinutes(3);

    [LightGbmFact]
    public async Task Initialize_TwoProcessesDataParallel_EndWithIdenticalModels()
    {
        var worker = WorkerPath();
        Assert.True(File.Exists(worker), $"the distributed worker was not built at {worker}");
        var ports = FreePorts(2);
        var directory = Directory.CreateTempSubdirectory("cvr-lgbm-network-");
        try
        {
            var outputs = new[] { Path.Combine(directory.FullName, "rank0.txt"), Path.Combine(directory.FullName, "rank1.txt") };
            var processes = Enumerable.Range(0, 2).Select(rank => Start(worker, rank, ports, outputs[rank])).ToArray();
            using var timeout = new CancellationTokenSource(s_workerTimeout);
            foreach (var process in processes)
            {
                try
                {
                    await process.WaitForExitAsync(timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    foreach (var p in processes) { if (!p.HasExited) p.Kill(); }
                    throw;
                }
            }
            foreach (var process in processes)
            {
                var log = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
                Assert.True(process.ExitCode == 0, $"worker exited with {process.ExitCode}: {log}");
                process.Dispose();
            }
            var model0 = await File.ReadAllTextAsync(outputs[0]);
            var model1 = await File.ReadAllTextAsync(outputs[1]);
            Assert.Equal(model0, model1);
            Assert.Contains("Tree=19", model0, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [LightGbmFact]
    public void Create_DistributedParametersWithoutNetwork_Throws()
    {
        var data = TestData.Create(300, 4);
        using var dataset = data.ToDataset();
        var error = Assert.Throws<InvalidOperationException>(() =>
            Booster.Create(dataset, TestData.Binary with { TreeLearner = "data", NumMachines = 2, PrePartition = true }));
        Assert.Contains("after Network.Initialize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Initialize_OneMachine_Throws()
    {
        Assert.Throws<ArgumentException>(() => Network.Initialize(["127.0.0.1:12400"], 12400));
    }

    [Fact]
    public void Localhost_Ports_FormatsMachineList()
    {
        Assert.Equal(["127.0.0.1:12400", "127.0.0.1:12401"], Network.Localhost([12400, 12401]));
    }

    private static Process Start(string worker, int rank, int[] ports, string output)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { worker, rank.ToString(System.Globalization.CultureInfo.InvariantCulture), string.Join(',', ports), output })
        {
            start.ArgumentList.Add(argument);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the distributed worker");
    }

    // The worker project builds next to this one: .../tests/<project>/bin/<configuration>/<tfm>/.
    private static string WorkerPath() =>
        Path.Combine(
            AppContext.BaseDirectory.Replace(
                $"{Path.DirectorySeparatorChar}Cvr.LightGbm.Tests{Path.DirectorySeparatorChar}",
                $"{Path.DirectorySeparatorChar}Cvr.LightGbm.DistributedWorker{Path.DirectorySeparatorChar}",
                StringComparison.Ordinal),
            "Cvr.LightGbm.DistributedWorker.dll");

    // Ports the OS reports free now; held together so the two differ. A small race with other processes remains.
    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (var listener in listeners) listener.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var listener in listeners) listener.Stop();
        return ports;
    }
}
