using System.Security.Cryptography;
using System.Text;
using Cvr.Data;
using Cvr.LightGbm;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// <c>cvr train --machines … --rank N --shared DIR</c>: one rank of a data-parallel job. Each rank reads only its own
/// train shards and learns the rest from the other ranks through the shared folder (<see cref="RankData"/>): every
/// rank's row counts and validation-day rows, then every rank's partial feature states, merged in rank order into the
/// fitted pipeline one machine fits, bit for bit (<see cref="RankPartials"/>), the encodings' tables, the bin sample
/// and the liked rows. Then, under LightGBM's socket network, each rank bins and trains on its own training rows
/// with bins from the sample of all rows, scores the whole validation day (so early stopping stops at the same round
/// everywhere), and ends with the models of every other rank. Rank 0 writes the bundle; the others write nothing.
/// </summary>
/// <remarks>LightGBM's network is thread-local: everything from <see cref="Network.Initialize"/> to the last booster
/// call runs on the calling thread, which the trainer never leaves for LightGBM work.</remarks>
public static class ClusterTraining
{
    /// <param name="reportDir">Where rank 0 writes the training report (its curves' training side: rank 0's rows); null: none.</param>
    public static RunReport Train(string dataDir, string modelDir, TrainingOptions options, ClusterOptions cluster, DataSetOptions data,
        ILogger logger, PhaseTimer timer, CancellationToken ct, IProgress<ModelProgress>? progress = null, string? reportDir = null)
    {
        // Before the options' check, which would refuse a member kind it isn't given: no kind trains here.
        if (options.Members.Count > 0)
        {
            throw new ConfigurationException("members", "can't train across machines (an ensemble member trains in one process): leave the members out or train on one machine");
        }
        var partition = cluster.Partition;
        // The instance every later step gets, checked here, before the network: the check builds a small Dataset,
        // which under the network would be binned across the ranks (the trainer's check of it is then free).
        options = options with { Partition = partition };
        options.Validate();
        if (reportDir is not null && cluster.Rank == 0) { Reporting.ReportFolder.Check(reportDir, overwrite: true); }
        if (options.Baseline)
        {
            throw new ConfigurationException("baseline", "can't train across machines (the raw-columns baseline is a reference for one process): leave it out or train on one machine");
        }
        if (partition.Distributed && options.WeightValidationNewAds)
        {
            throw new ConfigurationException("weight_validation_new_ads", "can't train across machines: which validation ads are new needs every training row's ad, and a rank reads only its own shards; leave it out or train on one machine");
        }
        if (partition.Distributed && options.Features.GroupStatistics.Encoding == Features.SeenEncoding.AsOf)
        {
            throw new ConfigurationException("group_statistics.encoding",
                "as_of can't train across machines: each training row's statistics are running moments and medians over every earlier training row in row order, which the ranks' own rows can't give; use in_sample or train on one machine");
        }
        if (partition.Distributed && cluster.SharedDirectory is null)
        {
            throw new ConfigurationException("shared", "training across machines needs --shared DIR, a folder every rank can write (cvr launch makes one): "
                + "each rank reads only its own train shards, and the ranks exchange their counts, validation-day rows and partial feature states there");
        }
        var machines = partition.Distributed ? cluster.ResolveIPv4(ct) : cluster.Machines;
        if (partition.Distributed) { CheckPortFree(cluster); } // now, rather than after the data is read and exchanged
        DataSet set;
        string fingerprint;
        RankPartials? partials = null;
        if (partition.Distributed)
        {
            (set, var shards, fingerprint, partials) = RankData.Load(dataDir, data, options.ValidationDay, partition, cluster, logger, timer, ct);
            partition = partition with { Shards = shards };
            options = options with { Partition = partition };
        }
        else
        {
            set = timer.Time("read", () => DataSet.Load(dataDir, data, logger));
            fingerprint = ModelBundle.Fingerprint(set.Train);
        }
        var split = DaySplit.Of(set.Train, options.ValidationDay, partition.Shards);
        if (split.Ranks is { } ranks)
        {
            logger.LogInformation("rank {Rank} of {Ranks}: training rows {Start:N0}..{End:N0} of {Rows:N0} (every rank: the whole validation day)",
                partition.Rank, partition.Ranks, ranks.Block.Start, ranks.Block.End - 1, ranks.Total);
        }
        var digests = cluster.SharedDirectory is null ? null : new RankDigests(cluster.SharedDirectory, partition, cluster.Timeout);
        digests?.RemoveOwn(); // before the network: no rank reads digests before every rank has joined it
        if (partials is not null)
        {
            logger.LogInformation("rank {Rank}: fits the features on its own training rows, merged with the other ranks' partial states through {Shared}",
                partition.Rank, cluster.SharedDirectory);
            options = options with { FeaturePartials = partials };
        }
        options.Validate(); // the new instance, still before the network (see above)
        var (system, digest) = Train(set, options, partition, machines, cluster, logger, timer, digests, ct, progress, trained =>
        {
            var digest = Digest(trained, fingerprint);
            logger.LogInformation("rank {Rank}: models {Digest}", partition.Rank, digest);
            // Every other rank has read this rank's partials (the bin sample's among them: the largest files) before
            // it built the Datasets it trained on with this one, so they are deleted now rather than left in the folder.
            options.FeaturePartials?.RemoveOwn();
            digests?.Publish(new RankReport(RankReport.ThisBuild, fingerprint, digest));
            return digest;
        });
        using (system)
        {
            if (partition.Rank != 0)
            {
                logger.LogInformation("rank {Rank}: done; rank 0 writes the bundle", partition.Rank);
                return Workflow.Report(system, null, timer, modelDir, null);
            }
            digests?.AwaitAgreement(new RankReport(RankReport.ThisBuild, fingerprint, digest), logger, ct);
            timer.Time("write bundle", () => ModelBundle.Save(system, modelDir, fingerprint));
            logger.LogInformation("model bundle written to {Model}", modelDir);
            return Workflow.Finish(system, modelDir, dataDir, set.Train, timer, reportDir, logger);
        }
    }

    /// <summary>Trains under the network and reports the models (<paramref name="report"/>: digest, published) before
    /// the network closes, so a peer that sees this rank's sockets close can tell it finished (<see cref="PeerWatch"/>).</summary>
    private static (TrainedSystem System, string Digest) Train(DataSet set, TrainingOptions options, RankPartition partition, IReadOnlyList<string> machines,
        ClusterOptions cluster, ILogger logger, PhaseTimer timer, RankDigests? digests, CancellationToken ct, IProgress<ModelProgress>? progress,
        Func<TrainedSystem, string> report)
    {
        if (!partition.Distributed)
        {
            var alone = new TwoStageTrainer(options, logger, timer, progress).Train(set.Train, set.Test, ct);
            return (alone, Reported(alone, report));
        }
        var (network, connected) = Open(machines, cluster, logger);
        using var opened = network;
        using var watch = digests is null ? null : PeerWatch.Start(partition.Rank, digests.EveryOtherRankReported, cluster.Timeout, logger, connected);
        TrainedSystem system;
        try
        {
            system = new TwoStageTrainer(options, logger, timer, progress).Train(set.Train, set.Test, ct);
        }
        catch (LightGbmException e) when (e.NativeMessage.Contains("Socket", StringComparison.Ordinal))
        {
            throw new IOException($"rank {partition.Rank}: the network to the other ranks failed ({e.NativeMessage}){Cause(e.NativeMessage, cluster)}", e);
        }
        return (system, Reported(system, report));
    }

    /// <summary>Fails when this rank's port is taken, as LightGBM would once every rank has read its shards (it listens on
    /// every address).</summary>
    private static void CheckPortFree(ClusterOptions cluster)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Any, cluster.ListenPort);
            listener.Start();
            listener.Stop();
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new IOException($"rank {cluster.Rank}: could not open the network on port {cluster.ListenPort}: it is in use ({e.Message})", e);
        }
    }

    /// <summary>LightGBM's socket time-out: <c>--network-timeout</c> rounded up to whole minutes, plus one, so the peer
    /// watch's stall exit comes first (<see cref="PeerWatch"/>: LightGBM's can abort the process).</summary>
    private static int SocketTimeoutMinutes(ClusterOptions cluster) => Math.Max(1, (int)Math.Ceiling(cluster.Timeout.TotalMinutes)) + 1;

    /// <summary>What a socket error of LightGBM's says about its cause. A receive or send that timed out (EAGAIN: LightGBM
    /// sets its time-out on every socket) moved nothing for the whole time-out: a rank stopped or hung, or the network
    /// between the ranks is down (a link down sends neither a FIN nor a reset, so nothing else tells).</summary>
    private static string Cause(string nativeMessage, ClusterOptions cluster)
        => nativeMessage.Contains("Resource temporarily unavailable", StringComparison.Ordinal) || nativeMessage.Contains("(code: 11)", StringComparison.Ordinal)
            ? $": {(nativeMessage.Contains("send", StringComparison.Ordinal) ? "could send nothing to" : "received nothing from")} another rank within the socket "
              + $"time-out of {SocketTimeoutMinutes(cluster)} min (--network-timeout rounded up to whole minutes, plus one); a rank stopped or hung, or the network "
              + "between the ranks is down"
            : "; another rank may have stopped";

    private static string Reported(TrainedSystem system, Func<TrainedSystem, string> report)
    {
        try
        {
            return report(system);
        }
        catch
        {
            system.Dispose();
            throw;
        }
    }

    /// <summary>Opens LightGBM's network; with it, this process's TCP sockets, taken before the log line that tells a
    /// watching launcher (or test) the rank is connected.</summary>
    private static (Network Network, IReadOnlySet<string> Connected) Open(IReadOnlyList<string> machines, ClusterOptions cluster, ILogger logger)
    {
        logger.LogInformation("rank {Rank}: connecting to {Machines} (listening on port {Port})", cluster.Rank, string.Join(',', machines), cluster.ListenPort);
        try
        {
            var network = Network.Initialize(machines, cluster.ListenPort, SocketTimeoutMinutes(cluster));
            var connected = PeerWatch.TcpSockets();
            logger.LogInformation("rank {Rank}: connected to {Others} other ranks", cluster.Rank, machines.Count - 1);
            return (network, connected);
        }
        catch (LightGbmException e)
        {
            throw new IOException($"rank {cluster.Rank}: could not open the network on port {cluster.ListenPort}: {e.NativeMessage}", e);
        }
    }

    /// <summary>SHA-256 over the data fingerprint, the fitted features and every model as the bundle saves it: equal on
    /// every rank of a job that trained together.</summary>
    internal static string Digest(TrainedSystem system, string dataFingerprint)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(dataFingerprint));
        hash.AppendData(Encoding.UTF8.GetBytes(system.Pipeline.ToJson()));
        foreach (var (name, model) in system.Models.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData(Encoding.UTF8.GetBytes(model.Booster.SaveToString(iterationCount: model.BestIteration)));
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
