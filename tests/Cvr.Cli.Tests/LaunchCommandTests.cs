using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Cvr.Cli.Tests;

/// <summary>Generated data in a temporary folder of its own, for a test class's fixture.</summary>
public abstract class GeneratedDataFixture : IDisposable
{
    protected GeneratedDataFixture(double scale, int trainShards)
    {
        Directory = new TempDir();
        Path = Directory.File("data");
        Cvr.Data.Synthetic.SyntheticData.Generate(Path, new Cvr.Data.Synthetic.GeneratorOptions(Scale: scale, Seed: 7, TrainShards: trainShards));
    }

    internal TempDir Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        Directory.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Small generated data in four train shards, shared by the distributed-training tests.</summary>
public sealed class ShardedData() : GeneratedDataFixture(scale: 0.01, trainShards: 4);

/// <summary>
/// <c>cvr launch</c> and <c>cvr train --machines</c> with real processes on loopback: the ranks of a job end with the same
/// models, close to one machine's; a rank killed mid-training fails the job with no bundle; bad jobs are refused early.
/// </summary>
[Trait("Category", "LightGbm")]
public partial class LaunchCommandTests(ShardedData data) : IClassFixture<ShardedData>
{
    /// <summary>Short training, so each job takes seconds: a few dozen rounds, no feature-selection probes.</summary>
    private static readonly string[] s_training = ["--threads", "1", "--max-rounds", "40", "--early-stopping", "10", "--select-features", "0", "--no-cache"];

    private static readonly TimeSpan s_jobTimeout = TimeSpan.FromMinutes(8);

    internal static string CliPath => System.IO.Path.Combine(
        AppContext.BaseDirectory.Replace($"{System.IO.Path.DirectorySeparatorChar}tests{System.IO.Path.DirectorySeparatorChar}Cvr.Cli.Tests{System.IO.Path.DirectorySeparatorChar}",
            $"{System.IO.Path.DirectorySeparatorChar}src{System.IO.Path.DirectorySeparatorChar}Cvr.Cli{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal),
        "Cvr.Cli.dll");

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Launch_SeveralRanks_SameModelsOnEveryRankAndCloseToOneMachine(int ranks)
    {
        using var dir = new TempDir();
        var single = dir.File("single");
        var (exit, json, err) = CliRunner.Run(["train", "--data", data.Path, "--out", single, "--json", .. s_training]);
        Assert.True(exit == 0, err);
        var distributed = dir.File("distributed");
        var shared = dir.File("shared");

        var job = await Launch(["--ranks", ranks.ToString(CultureInfo.InvariantCulture), "--shared", shared, "--timeout", "480", "--",
            "train", "--data", data.Path, "--out", distributed, "--json", .. s_training]);

        Assert.True(job.Exit == 0, job.Err);
        var digests = ModelDigests(job.Err);
        Assert.Equal(ranks, digests.Count);
        Assert.Single(digests.Distinct());
        for (var r = 0; r < ranks; r++) { Assert.Contains($"[rank {r}] ", job.Err, StringComparison.Ordinal); }
        // LightGBM trained data-parallel across the two ranks (a rank training alone would have other models than its peer).
        var e2e = await File.ReadAllTextAsync(System.IO.Path.Combine(distributed, "e2e.txt"));
        Assert.Contains("[tree_learner: data]", e2e, StringComparison.Ordinal);
        Assert.Contains($"[num_machines: {ranks}]", e2e, StringComparison.Ordinal);
        Assert.Equal(FeatureNames(single), FeatureNames(distributed));
        // Each rank read only its own shards, fitted the features on its own training rows and merged every rank's partial
        // states through the launcher's shared folder: one machine's fitted pipeline, byte for byte.
        for (var r = 0; r < ranks; r++)
        {
            Assert.Matches($@"rank {r} of {ranks}: read train shards \d+\.csv\.\.\d+\.csv \({(r == 2 ? 2 : ranks == 2 ? 2 : 1)} of 4\)", job.Err);
            Assert.Contains($"rank {r}: fits the features on its own training rows, merged with the other ranks' partial states", job.Err, StringComparison.Ordinal);
        }
        AssertSameFile(single, distributed, "features.json");
        // Each rank deleted its partials (the bin sample's: most of the bytes) once it had trained; the digests stay.
        Assert.Empty(Directory.GetFiles(shared, "*.partials"));
        Assert.Equal(ranks, Directory.GetFiles(shared, "rank-*.digest").Length);
        // Rank 0 wrote the training report beside the bundle, with a curve for every model.
        using (var report = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(distributed + "-report/report.json")))
        {
            Assert.All(report.RootElement.GetProperty("models").EnumerateArray(),
                m => Assert.True(m.GetProperty("learning_curve").GetProperty("iterations").GetArrayLength() > 0));
        }
        // The first tree, grown from equal gradients, is one machine's to the bit: the same bins (one global sample) and
        // every training row exactly once across the ranks (its root counts them all).
        Assert.Equal(FirstTree(await File.ReadAllTextAsync(System.IO.Path.Combine(single, "e2e.txt"))), FirstTree(e2e));
        // Same bins (one global sample) and the same features, but not the same trees: LightGBM's data-parallel learner
        // tracks each leaf's row count from the split's hessian-based estimate, where one machine counts rows exactly,
        // so from the second tree on min_data_in_leaf and ties decide differently. Measured with these options and data:
        // ensemble validation logloss 0.36236 on one machine, 0.36425 on two ranks and on three (the same trees); one
        // machine with --seed 43 instead of 42 moves it as far (0.36426). The bound is 2.6 times that gap.
        var alone = EnsembleLogLoss(json);
        var together = EnsembleLogLoss(job.Out);
        Assert.True(Math.Abs(alone - together) < 0.005, string.Create(CultureInfo.InvariantCulture, $"validation logloss {alone:F5} alone, {together:F5} on two ranks"));
    }

    /// <summary>
    /// Each rank is given a data folder in which only its own shards hold data: every other shard is a file of the same
    /// name and size full of bytes no reader could parse. The ranks train the models a launched job trains on the real
    /// folder, and fit one machine's features, so no rank read a shard that isn't its own.
    /// </summary>
    [Fact]
    public async Task Train_EachRankHoldingOnlyItsOwnShards_TrainsTheLaunchedJobsModels()
    {
        using var dir = new TempDir();
        var single = dir.File("single");
        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", single, "-q", .. s_training]);
        Assert.True(exit == 0, err);
        var launched = dir.File("launched");
        var job = await Launch(["--ranks", "2", "--", "train", "--data", data.Path, "--out", launched, .. s_training]);
        Assert.True(job.Exit == 0, job.Err);
        var shards = Directory.GetFiles(System.IO.Path.Combine(data.Path, "train")).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(4, shards.Length);
        string Folder(int rank)
        {
            var folder = TestSplitOnly(dir.File($"data-{rank}"));
            for (var i = 0; i < shards.Length; i++)
            {
                var to = System.IO.Path.Combine(folder, "train", System.IO.Path.GetFileName(shards[i]));
                if (i / 2 == rank) { File.Copy(shards[i], to); } // rank r of 2 reads shards 2r and 2r + 1 of 4
                else { File.WriteAllBytes(to, [.. Enumerable.Repeat((byte)0xFF, (int)new FileInfo(shards[i]).Length)]); }
            }
            return folder;
        }
        var ports = Launcher.FreeLoopbackPorts(2);
        var machines = $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}";
        var distributed = dir.File("distributed");
        Process Rank(int rank) => Process.Start(Start(["train", "--data", Folder(rank), "--out", distributed, "--machines", machines,
            "--rank", rank.ToString(CultureInfo.InvariantCulture), "--shared", dir.File("shared"), .. s_training]))!;
        using var rank0 = Rank(0);
        using var rank1 = Rank(1);
        var logs = new[] { rank0.StandardError.ReadToEndAsync(), rank1.StandardError.ReadToEndAsync() };
        _ = rank0.StandardOutput.ReadToEndAsync();
        _ = rank1.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_jobTimeout);
        try
        {
            await Task.WhenAll(rank0.WaitForExitAsync(timeout.Token), rank1.WaitForExitAsync(timeout.Token));
        }
        finally
        {
            if (!rank0.HasExited) { rank0.Kill(); }
            if (!rank1.HasExited) { rank1.Kill(); }
        }

        Assert.True(rank0.ExitCode == 0 && rank1.ExitCode == 0, await logs[0] + await logs[1]);
        Assert.Contains("rank 1 of 2: read train shards 000000000002.csv..000000000003.csv (2 of 4)", await logs[1], StringComparison.Ordinal);
        AssertSameFile(single, distributed, "features.json");
        Assert.Equal(ModelDigests(job.Err).Distinct(), ModelDigests(await logs[0] + await logs[1]).Distinct());
        foreach (var model in new[] { "e2e.txt", "like.txt", "install.txt" }) { AssertSameFile(launched, distributed, model); }
    }

    /// <summary>Group statistics over train and test: the test split's rows are fitted by the last rank, the only one
    /// besides rank 0 that reads the test split. Three ranks fit one machine's pipeline.</summary>
    [Fact]
    public async Task Launch_ThreeRanks_StatisticsOverTrainAndTest_OneMachinesFeatures()
    {
        using var dir = new TempDir();
        var config = dir.File("features.json");
        await File.WriteAllTextAsync(config, """{ "group_statistics": { "scope": "train_and_test" } }""");
        var single = dir.File("single");
        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", single, "--config", config, "-q", .. s_training]);
        Assert.True(exit == 0, err);
        var distributed = dir.File("distributed");

        var job = await Launch(["--ranks", "3", "--", "train", "--data", data.Path, "--out", distributed, "--config", config, .. s_training]);

        Assert.True(job.Exit == 0, job.Err);
        AssertSameFile(single, distributed, "features.json");
    }

    /// <summary>A row id in two ranks' shards: one machine refuses it (duplicate row id), and so does every rank.</summary>
    [Fact]
    public async Task Launch_RowIdInTwoRanksShards_DataErrorNamingBoth()
    {
        using var dir = new TempDir();
        var folder = TestSplitOnly(dir.File("data"));
        var shards = Directory.GetFiles(System.IO.Path.Combine(data.Path, "train")).Order(StringComparer.Ordinal).ToArray();
        foreach (var shard in shards) { File.Copy(shard, System.IO.Path.Combine(folder, "train", System.IO.Path.GetFileName(shard))); }
        var repeated = File.ReadLines(shards[0]).Skip(1).First(); // rank 0's (shards 0 and 1 of 4), repeated in rank 1's last shard
        await File.AppendAllTextAsync(System.IO.Path.Combine(folder, "train", System.IO.Path.GetFileName(shards[3])), repeated + "\n");
        var (exit, _, alone) = CliRunner.Run(["train", "--data", folder, "--out", dir.File("alone"), "-q", .. s_training]);
        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Contains("duplicate row id", alone, StringComparison.Ordinal);

        var job = await Launch(["--ranks", "2", "--", "train", "--data", folder, "--out", dir.File("m"), .. s_training]);

        Assert.Equal(ExitCodes.DataError, job.Exit);
        Assert.Matches(@"row id \d+ is in rank 0's shards \(000000000000\.csv\.\.000000000001\.csv\) and in rank 1's \(000000000002\.csv\.\.000000000003\.csv\) of train/: expected unique row ids", job.Err);
        Assert.DoesNotContain("connecting", job.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("m")));
    }

    /// <summary>A data folder at <paramref name="folder"/> holding the shared data's test split and an empty train/.</summary>
    private string TestSplitOnly(string folder)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "train"));
        Directory.CreateDirectory(System.IO.Path.Combine(folder, "test"));
        foreach (var test in Directory.GetFiles(System.IO.Path.Combine(data.Path, "test")))
        {
            File.Copy(test, System.IO.Path.Combine(folder, "test", System.IO.Path.GetFileName(test)));
        }
        return folder;
    }

    private static void AssertSameFile(string bundle, string other, string file)
        => Assert.True(File.ReadAllBytes(System.IO.Path.Combine(bundle, file)).AsSpan().SequenceEqual(File.ReadAllBytes(System.IO.Path.Combine(other, file))),
            $"{file} differs between {bundle} and {other}");

    [Fact]
    public async Task Launch_OneRank_WritesTheBundleOfPlainTrain()
    {
        using var dir = new TempDir();
        var plain = dir.File("plain");
        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", plain, "-q", .. s_training]);
        Assert.True(exit == 0, err);
        var launched = dir.File("launched");

        var job = await Launch(["--ranks", "1", "--", "train", "--data", data.Path, "--out", launched, "-q", .. s_training]);

        Assert.True(job.Exit == 0, job.Err);
        foreach (var file in Directory.GetFiles(plain).Select(System.IO.Path.GetFileName))
        {
            Assert.True(File.ReadAllBytes(System.IO.Path.Combine(plain, file!)).AsSpan().SequenceEqual(File.ReadAllBytes(System.IO.Path.Combine(launched, file!))), $"{file} differs");
        }
    }

    [Fact]
    public async Task Launch_RankKilledMidTraining_JobFailsAndNoBundle()
    {
        using var dir = new TempDir();
        var model = dir.File("model");
        var start = Start(["launch", "--ranks", "2", "--timeout", "480", "--", "train", "--data", data.Path, "--out", model, .. s_training]);
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException("could not start cvr launch");
        var err = new System.Text.StringBuilder();
        var trained = new TaskCompletionSource();
        launcher.ErrorDataReceived += (_, e) =>
        {
            lock (err) { err.AppendLine(e.Data); }
            if (e.Data?.Contains("training e2e", StringComparison.Ordinal) == true) { trained.TrySetResult(); }
        };
        launcher.BeginErrorReadLine();
        launcher.BeginOutputReadLine();
        using var timeout = new CancellationTokenSource(s_jobTimeout);
        await trained.Task.WaitAsync(timeout.Token); // both ranks are in the network, training the first model
        var ranks = Children(launcher.Id);
        var rank0 = ranks.Single(p => CommandLine(p).Contains("--rank\00\0", StringComparison.Ordinal));
        var rank1 = ranks.Single(p => CommandLine(p).Contains("--rank\01\0", StringComparison.Ordinal));
        Process.GetProcessById(rank1).Kill(); // SIGKILL: no handler runs

        await launcher.WaitForExitAsync(timeout.Token);

        Assert.True(launcher.ExitCode != 0, err.ToString());
        // The killed rank (137: SIGKILL) or its peer, when the reset connection stopped it first (exit 4, an I/O error).
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(err.ToString(), @"cvr launch: (rank 1 exited with code 137|rank 0 exited with code 4); stopping the other ranks"), $"the launcher's stderr:\n{err}"); // the whole stderr: Assert.Matches cuts it short
        Assert.False(Directory.Exists(model), "a bundle was published by a failed job");
        Assert.False(Directory.Exists(model + "-report"), "a report was written by a failed job");
        Assert.False(Alive(rank0), "rank 0 outlived the job"); // LightGBM's survivor can spin forever in recv (docs/pipeline.md)
    }

    [Fact]
    public async Task Train_PeerKilledWithoutLauncher_SurvivorExitsWithIoError()
    {
        // Killed while the survivor fits its features, the peer never writes its partial feature states to the shared
        // folder: the survivor gives up waiting for them after --network-timeout (exit 4). Its peer watch may end it first
        // (exit 4 too): the peer's sockets closed and it has not reported models within --network-timeout, where
        // LightGBM's receive loop would spin forever once the survivor reaches the network again. (If the kernel resets
        // the connection instead, LightGBM fails the receive itself: exit 4 as well.)
        using var dir = new TempDir();
        var ports = Launcher.FreeLoopbackPorts(2);
        var machines = $"127.0.0.1:{ports[0]},127.0.0.1:{ports[1]}";
        Process Rank(int rank) => Process.Start(Start(["train", "--data", data.Path, "--out", dir.File("model"), "--machines", machines,
            "--rank", rank.ToString(CultureInfo.InvariantCulture), "--shared", dir.File("shared"), "--network-timeout", "15", .. s_training]))!;
        using var survivor = Rank(0);
        using var peer = Rank(1);
        var err = new System.Text.StringBuilder();
        var connected = new TaskCompletionSource();
        survivor.ErrorDataReceived += (_, e) =>
        {
            lock (err) { err.AppendLine(e.Data); }
            if (e.Data?.Contains("connected to 1 other ranks", StringComparison.Ordinal) == true) { connected.TrySetResult(); }
        };
        survivor.BeginErrorReadLine();
        survivor.BeginOutputReadLine();
        peer.BeginErrorReadLine();
        peer.BeginOutputReadLine();
        using var timeout = new CancellationTokenSource(s_jobTimeout);
        try
        {
            await connected.Task.WaitAsync(timeout.Token);
            peer.Kill();
            await survivor.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!survivor.HasExited) { survivor.Kill(); }
            if (!peer.HasExited) { peer.Kill(); }
        }

        Assert.True(survivor.ExitCode == ExitCodes.IoError, $"exit {survivor.ExitCode}: {err}");
        Assert.Matches(@"rank 1 wrote no feature partials for fit 0, round [\w-]+ \(.*\) within 15 s|did not report its models within 15 s|the network to the other ranks failed", err.ToString());
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Fact]
    public void Train_MoreRanksThanShards_RefusedBeforeTheNetworkOpens()
    {
        // Four shards: a fifth rank would read none. No port is opened and no other rank is waited for.
        var machines = string.Join(',', Enumerable.Range(0, 5).Select(i => "127.0.0.1:" + (20000 + i).ToString(CultureInfo.InvariantCulture)));
        using var dir = new TempDir();

        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", dir.File("m"), "--machines", machines, "--rank", "3",
            "--shared", dir.File("shared"), .. s_training]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("error: 5 ranks but 4 train shards: each rank reads whole shards (files) of train/", err, StringComparison.Ordinal);
        Assert.DoesNotContain("connecting", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("m")));
    }

    /// <summary>Shards cut by day: rank 1's hold only the validation day (no training row) or only unliked training rows.
    /// Every rank refuses, with the same message, once the ranks have told each other their counts: before the network.</summary>
    [Theory]
    [InlineData("validation_day_only", @"rank 1 of 2 has no training rows \(days before validation day 66\) in its shards \(days 66\.\.66, [\d,]+ rows\)")]
    [InlineData("unliked_only", @"rank 1 of 2 has no liked training rows \(clicked or installed\) among its [\d,]+ training rows")]
    public async Task Launch_RankWithoutRows_RefusedOnEveryRankBeforeTheNetworkOpens(string shape, string message)
    {
        using var dir = new TempDir();
        var folder = TestSplitOnly(dir.File("data"));
        var lines = Directory.GetFiles(System.IO.Path.Combine(data.Path, "train")).Order(StringComparer.Ordinal).SelectMany(File.ReadLines).ToList();
        var header = lines[0].Split('\t');
        var (day, clicked, installed) = (Array.IndexOf(header, "f_1"), Array.IndexOf(header, "is_clicked"), Array.IndexOf(header, "is_installed"));
        var rows = lines.Where(l => l != lines[0]).Select(l => l.Split('\t')).ToList();
        bool Second(string[] row) => shape == "validation_day_only" ? row[day] == "66" : row[day] != "66" && row[clicked] == "0" && row[installed] == "0";
        File.WriteAllLines(System.IO.Path.Combine(folder, "train", "0.csv"), [lines[0], .. rows.Where(r => !Second(r)).Select(r => string.Join('\t', r))]);
        File.WriteAllLines(System.IO.Path.Combine(folder, "train", "1.csv"), [lines[0], .. rows.Where(Second).Select(r => string.Join('\t', r))]);

        var job = await Launch(["--ranks", "2", "--", "train", "--data", folder, "--out", dir.File("m"), "--validation-day", "66", .. s_training]);

        Assert.Equal(ExitCodes.Usage, job.Exit);
        Assert.Matches(message, job.Err); // every rank decides it from the same counts; the launcher stops the other at the first exit
        Assert.DoesNotContain("connecting", job.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("m")));
    }

    [Fact]
    public void Train_PortInUse_IoErrorNamingThePort()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var other = Launcher.FreeLoopbackPorts(1)[0];
        using var dir = new TempDir();

        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", dir.File("m"),
            "--machines", $"127.0.0.1:{port},127.0.0.1:{other}", "--rank", "0", "--shared", dir.File("shared"), .. s_training]);

        // At once: before the data is read and before the other rank, which never starts, is waited for.
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.Contains($"rank 0: could not open the network on port {port}: it is in use", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.File("m")));
    }

    [Theory]
    [InlineData("--mmoe", "--mmoe can't train across machines")]
    [InlineData("--baseline", "--baseline can't train across machines")]
    [InlineData("--weight-validation-new-ads", "can't train across machines: which validation ads are new needs every training row's ad")]
    public void Train_MachinesWithSingleProcessOption_Refused(string option, string message)
    {
        using var dir = new TempDir();

        var (exit, _, err) = CliRunner.Run(["train", "--data", data.Path, "--out", dir.File("m"), option,
            "--machines", "127.0.0.1:20001,127.0.0.1:20002", "--rank", "0", .. s_training]);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Tune_Machines_Refused()
    {
        using var dir = new TempDir();

        var (exit, _, err) = CliRunner.Run("tune", "--data", data.Path, "--model", "e2e", "--trials", "1", "--out", dir.File("p.json"),
            "--machines", "127.0.0.1:20001,127.0.0.1:20002");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("cvr tune can't run across machines", err, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("p.json")));
    }

    [Theory]
    [InlineData(new[] { "train", "--data", "d", "--out", "m", "--rank", "0" }, "--rank, --shared and --network-timeout belong to a data-parallel job")]
    [InlineData(new[] { "train", "--data", "d", "--out", "m", "--machines", "127.0.0.1:1,127.0.0.1:2" }, "--machines needs --rank")]
    [InlineData(new[] { "train", "--data", "d", "--out", "m", "--machines", "127.0.0.1:1,127.0.0.1:2", "--rank", "0" }, "training across machines needs --shared DIR")]
    [InlineData(new[] { "train", "--data", "d", "--out", "m", "--machines", "127.0.0.1:1,127.0.0.1:2", "--rank", "2" }, "--rank 2 is not a rank of the 2 machines")]
    [InlineData(new[] { "train", "--data", "d", "--out", "m", "--machines", "127.0.0.1:1,127.0.0.1", "--rank", "0" }, "'127.0.0.1' is not HOST:PORT")]
    [InlineData(new[] { "launch", "--ranks", "2", "--", "predict", "--model", "m" }, "cvr launch runs ranks of cvr train")]
    [InlineData(new[] { "launch", "--ranks", "2", "--", "train", "--rank", "1" }, "cvr launch sets --rank itself")]
    [InlineData(new[] { "launch", "--ranks", "0", "--", "train" }, "--ranks must be at least 1")]
    public void BadClusterOptions_UsageError(string[] args, string message)
    {
        var (exit, _, err) = CliRunner.Run(args);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    private static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliPath);
        foreach (var a in args) { start.ArgumentList.Add(a); }
        return start;
    }

    private static async Task<(int Exit, string Out, string Err)> Launch(IEnumerable<string> args)
    {
        using var process = Process.Start(Start(["launch", .. args])) ?? throw new InvalidOperationException("could not start cvr launch");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_jobTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    private static List<string> ModelDigests(string err)
        => [.. DigestLine().Matches(err).Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"rank \d: models (sha256:[0-9a-f]{64})")]
    private static partial Regex DigestLine();

    private static string FirstTree(string model)
    {
        var start = model.IndexOf("Tree=0\n", StringComparison.Ordinal);
        var end = model.IndexOf("Tree=1\n", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "no first tree in the model");
        return model[start..end];
    }

    private static string[] FeatureNames(string bundle)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(System.IO.Path.Combine(bundle, "manifest.json")));
        return [.. manifest.RootElement.GetProperty("feature_names").EnumerateArray().Select(e => e.GetString()!)];
    }

    private static double EnsembleLogLoss(string json)
    {
        using var report = JsonDocument.Parse(json);
        return report.RootElement.GetProperty("validation").GetProperty("models").EnumerateArray()
            .Single(m => m.GetProperty("model").GetString() == "ensemble").GetProperty("logloss").GetDouble();
    }

    /// <summary>The live child processes of <paramref name="pid"/> (Linux: /proc/PID/task/*/children).</summary>
    private static int[] Children(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks)) { return []; }
        return [.. Directory.GetDirectories(tasks)
            .SelectMany(t => { try { return File.ReadAllText(System.IO.Path.Combine(t, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries); } catch (IOException) { return []; } })
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
    }

    private static bool Alive(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(") ")[1][0] != 'Z'; }
        catch (IOException) { return false; }
    }

    private static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline"); }
        catch (IOException) { return ""; }
    }
}
