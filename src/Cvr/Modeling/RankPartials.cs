using System.Security.Cryptography;
using System.Text;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// The ranks' partial feature states in the shared folder (<c>--shared</c>): for each round of each feature fit of the
/// run (feature selection's probe fit, the fit the models train on, a refit's), each rank writes its partials to
/// <c>features-F-ROUND.rank-R.partials</c> atomically (<see cref="RankPartialsFile"/>: a header naming the build, the
/// data, the fit and the round, the payload, and a SHA-256 of both), then reads every rank's, in rank order, waiting up
/// to the cluster's time-out for each. A file of an earlier run (other data, another fit) is not read: it is waited past
/// as not written yet, and named if nothing else comes. A run of the same build on the same data and fit writes the
/// same bytes (the fit is deterministic), so finding that run's file is finding this one's. A file of another build
/// stops the rank at once (a <see cref="ConfigurationException"/>, exit 2, as <see cref="RankDigests"/> does after
/// training): every rank of this build deletes its own files before it joins the network (<see cref="RemoveOwn"/>),
/// and the ranks exchange partials only once every rank has joined it, so another build's file there now is the
/// rank's own, of this run: it runs another build, and waiting the time-out out would change nothing.
/// </summary>
internal sealed class RankPartials(string directory, RankPartition partition, TimeSpan timeout, string build, string data, CancellationToken ct)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    private int _fits;

    /// <summary>The fit number of the job's own rounds (<see cref="ExchangeJob"/>), which belong to no feature fit.</summary>
    private const int JobRounds = -1;

    private string PathOf(int fit, string round, int rank)
        => Path.Combine(directory, fit == JobRounds ? $"job-{round}.rank-{rank}.partials" : $"features-{fit:D2}-{round}.rank-{rank}.partials");

    /// <summary>Removes this rank's files of earlier runs; before its first fit, so no rank of this run reads them.</summary>
    public void RemoveOwn()
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(directory, $"features-*.rank-{partition.Rank}.partials")) { File.Delete(file); }
        foreach (var file in Directory.EnumerateFiles(directory, $"job-*.rank-{partition.Rank}.partials")) { File.Delete(file); }
    }

    /// <summary>A round of the job rather than of a feature fit (the ranks' shards and their validation-day rows, before
    /// the first fit: <see cref="RankData"/>): this rank's <paramref name="payload"/> out, every rank's back in rank order,
    /// through <c>job-ROUND.rank-R.partials</c>.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> ExchangeJob(string round, byte[] payload) => ExchangeRound(JobRounds, "job", round, payload);

    /// <summary>This rank's part of the next feature fit on <paramref name="split"/>'s training rows (this rank's own,
    /// placed among every rank's by <see cref="DaySplit.Ranks"/>) of its frame (<paramref name="shards"/>: this rank's range of it) of <paramref name="frameRows"/> rows with
    /// <paramref name="config"/>: the ranks' ranges of the frame (<see cref="RankShards.FrameEnds"/>), this rank's
    /// rows' place among every rank's, and the exchange of its rounds. Every rank makes the same fits in the same order,
    /// so the n-th fit is the same one on every rank.</summary>
    public RankFit Fit(DaySplit split, RankShards shards, int frameRows, FeatureConfig config)
    {
        var ranks = split.Ranks ?? throw new ArgumentException("a rank's split places its rows among every rank's (DaySplit.Ranks)", nameof(split));
        var fit = _fits++;
        return new RankFit(partition.Rank, shards.FrameEnds(frameRows), new FitExchange(this, fit, FitKey(config, split.ValidationDay, ranks.Ends)))
        {
            FittingOffset = ranks.Offset,
            FittingTotal = ranks.Total,
        };
    }

    /// <summary>What the fit is, beside the build and the data, the same on every rank: the feature config (with its kept
    /// list), the validation day and where every rank's fitting rows end.</summary>
    internal static string FitKey(FeatureConfig config, int validationDay, IReadOnlyList<int> ends)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(FeatureConfigLoader.ToJson(config)));
        hash.AppendData(BitConverter.GetBytes(validationDay));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(ends.ToArray().AsSpan()));
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A round of the job in which each rank sends each rank a payload of its own (<paramref name="payloads"/>[t] to
    /// rank t): rank r writes <c>job-ROUND-to-T.rank-R.partials</c> for every T, then reads <c>job-ROUND-to-R.rank-Q.partials</c>
    /// of every rank Q, so each rank reads only what was sent to it. Returns what every rank sent this one, in rank order.</summary>
    public ReadOnlyMemory<byte>[] ScatterJob(string round, IReadOnlyList<byte[]> payloads)
    {
        if (payloads.Count != partition.Ranks) { throw new ArgumentException($"{payloads.Count} payloads for {partition.Ranks} ranks", nameof(payloads)); }
        RankPartialsFile.Header Header(int to, int from) => new(build, data, "job", JobRounds, $"{round}-to-{to}", from, partition.Ranks);
        for (var t = 0; t < payloads.Count; t++)
        {
            if (t != partition.Rank) { RankPartialsFile.Write(PathOf(JobRounds, $"{round}-to-{t}", partition.Rank), Header(t, partition.Rank), payloads[t]); }
        }
        var deadline = DateTime.UtcNow + timeout;
        var received = new ReadOnlyMemory<byte>[partition.Ranks];
        for (var q = 0; q < partition.Ranks; q++)
        {
            received[q] = q == partition.Rank ? payloads[q] : Await(PathOf(JobRounds, $"{round}-to-{partition.Rank}", q), Header(partition.Rank, q), deadline);
        }
        return received;
    }

    private sealed class FitExchange(RankPartials owner, int fit, string fitKey) : IPartialExchange
    {
        public IReadOnlyList<ReadOnlyMemory<byte>> Exchange(string round, byte[] payload) => owner.ExchangeRound(fit, fitKey, round, payload);
    }

    private ReadOnlyMemory<byte>[] ExchangeRound(int fit, string fitKey, string round, byte[] payload)
    {
        var header = new RankPartialsFile.Header(build, data, fitKey, fit, round, partition.Rank, partition.Ranks);
        RankPartialsFile.Write(PathOf(fit, round, partition.Rank), header, payload);
        var every = new ReadOnlyMemory<byte>[partition.Ranks];
        var deadline = DateTime.UtcNow + timeout;
        for (var r = 0; r < partition.Ranks; r++)
        {
            every[r] = r == partition.Rank ? payload : Await(PathOf(fit, round, r), header with { Rank = r }, deadline);
        }
        return every;
    }

    /// <summary>The payload of the file at <paramref name="path"/> once it holds <paramref name="expected"/>'s.</summary>
    /// <exception cref="IOException">No such file by <paramref name="deadline"/>, or a damaged one.</exception>
    private ReadOnlyMemory<byte> Await(string path, RankPartialsFile.Header expected, DateTime deadline)
    {
        string? stale = null;
        while (true)
        {
            if (TryRead(path) is { } found)
            {
                var (header, payload) = found;
                var differs = header is null ? "not a partials file of this version" : expected.Differs(header);
                if (differs is null) { return payload; }
                if (header is not null && header.Build != expected.Build)
                {
                    throw new ConfigurationException($"rank {expected.Rank} runs another build of cvr than rank {partition.Rank} ({header.Build} against "
                        + $"{expected.Build}: its feature partials {path}): start every rank from the same build; the features are not fitted");
                }
                stale = differs;
            }
            if (DateTime.UtcNow >= deadline)
            {
                var (what, outcome) = expected.Fit == JobRounds
                    ? ($"file for the job's round {expected.Round}", "nothing is trained")
                    : ($"feature partials for fit {expected.Fit}, round {expected.Round}", "the features are not fitted");
                throw new IOException($"rank {expected.Rank} wrote no {what} ({path}) within "
                    + $"{timeout.TotalSeconds:F0} s" + (stale is null ? "" : $"; the file there is of another run ({stale})") + $"; {outcome}");
            }
            PeerWatch.Beat(); // waiting here has a deadline of its own, with a clearer message than a stall's
            Task.Delay(Poll, ct).GetAwaiter().GetResult();
        }
    }

    /// <summary>The file's header and payload, or null when there is no file (yet, or no longer: its rank deletes its
    /// files of an earlier run when it starts).</summary>
    private static (RankPartialsFile.Header? Header, ReadOnlyMemory<byte> Payload)? TryRead(string path)
    {
        try
        {
            return RankPartialsFile.Read(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
