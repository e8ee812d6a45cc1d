using System.Security.Cryptography;
using System.Text;
using Cvr.Data;
using Cvr.Features;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// What one rank of a data-parallel job reads, and how it learns the rest from the other ranks through the shared folder
/// before the network opens. Rank r of n reads only its run of the train shards (<see cref="RankShards.Assign"/>), and
/// the test split only when it is rank 0 or the last. In round <c>shards</c>, keyed by the train folder's listing (names and sizes), every rank sends its frame's
/// fingerprint and its rows and liked rows by day; in round <c>rows</c> (once the validation day is known) its rows of the
/// validation day. Its frame is then every other rank's validation-day rows around its own shards' rows, in rank order:
/// the validation day whole, in the order one machine reads it, and no other rank's training row.
/// </summary>
internal static class RankData
{
    /// <summary>Reads this rank's shards and exchanges what the ranks need of each other's.</summary>
    /// <returns>The data set (its training frame: this rank's, as above), every rank's shards (this rank's range of its
    /// frame among them), the job's data fingerprint (of every rank's frame, in rank order), and the exchange the feature
    /// fits then use (<see cref="RankPartials"/>, keyed by that fingerprint).</returns>
    /// <exception cref="ConfigurationException">Fewer shards than ranks, a rank without training or liked rows.</exception>
    /// <exception cref="DataContentException">A rank's shards have other columns than this one's, or a row id of another rank's.</exception>
    public static (DataSet Set, RankShards Shards, string Fingerprint, RankPartials Partials) Load(string dataDir, DataSetOptions data, int? validationDay,
        RankPartition partition, ClusterOptions cluster, ILogger logger, PhaseTimer timer, CancellationToken ct)
    {
        var shared = cluster.SharedDirectory ?? throw new InvalidOperationException("a rank exchanges its shards through the shared folder");
        IReadOnlyList<string> listed = [];
        IReadOnlyList<string> own = [];
        var set = timer.Time("read", () => DataSet.Load(dataDir, data with
        {
            // Only rank 0 (the training report's test day) and the last rank (group statistics over train and test fit
            // the test rows there) use the test split: at 100× the data it is a day of 16M rows the others never read.
            ReadTest = partition.Rank == 0 || partition.Rank == partition.Ranks - 1,
            TrainShards = sources =>
            {
                listed = sources;
                return own = RankShards.Assign(sources, partition.Rank, partition.Ranks);
            },
        }, logger));
        var frame = set.Train;
        var listing = Listing(listed);
        logger.LogInformation("rank {Rank} of {Ranks}: read train shards {First}..{Last} ({Shards} of {All}): {Rows:N0} rows",
            partition.Rank, partition.Ranks, Path.GetFileName(own[0]), Path.GetFileName(own[^1]), own.Count, listed.Count, frame.RowCount);

        var byListing = new RankPartials(shared, partition, cluster.Timeout, RankReport.ThisBuild, "shards:" + Hash(listing), ct);
        byListing.RemoveOwn(); // before the first round: no rank of this run has read this rank's files yet
        var days = ShardDays.Of(frame);
        var ownFingerprint = ModelBundle.Fingerprint(frame);
        // The listing is the round's data key: a rank that lists other shards writes a file of "another run", which the
        // others wait past and name when --network-timeout runs out.
        var every = byListing.ExchangeJob("shards", PartialFormat.Serialise(w =>
        {
            w.WriteString(frame.Schema.ToString());
            w.WriteString(ownFingerprint);
            days.Write(w);
        }));
        var shards = new ShardDays[partition.Ranks];
        var fingerprints = new string[partition.Ranks];
        for (var r = 0; r < every.Count; r++)
        {
            var (schema, fingerprint, theirDays) = PartialFormat.Deserialise(every[r],
                reader => (reader.ReadText(), reader.ReadText(), ShardDays.Read(reader)), $"rank {r}'s shards");
            if (schema != frame.Schema.ToString())
            {
                throw new DataContentException($"rank {r}'s shards have other columns than rank {partition.Rank}'s ({schema} against {frame.Schema})");
            }
            (shards[r], fingerprints[r]) = (theirDays, fingerprint);
        }
        CheckUniqueRowIds(frame, byListing, partition, listed);
        var jobFingerprint = "ranks-xxh3:" + Convert.ToHexStringLower(System.IO.Hashing.XxHash3.Hash(Encoding.UTF8.GetBytes(string.Join('\n', fingerprints))));
        var day = validationDay ?? RankShards.DaysOf(shards).Max();

        // The validation day's rows of every rank, around this rank's own, in rank order.
        var partials = new RankPartials(shared, partition, cluster.Timeout, RankReport.ThisBuild, jobFingerprint, ct);
        int[] ownValid = [.. Enumerable.Range(0, frame.RowCount).Where(i => frame.Days[i] == day)];
        var rows = timer.Time("read", () => partials.ExchangeJob($"rows-{day}", FrameRows.Serialise(frame.Select(ownValid, keepLabels: true))));
        var others = new Frame?[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            if (r != partition.Rank) { others[r] = FrameRows.Read(rows[r], frame.Schema, $"rank {r}'s validation-day rows"); }
        }
        var (local, rankShards) = Assemble(partition.Rank, frame, others, shards, day);
        rankShards.CheckEveryRankHasRows(day);
        logger.LogInformation("rank {Rank}: {Own:N0} rows of its shards and {Others:N0} other ranks' rows of validation day {Day}",
            partition.Rank, frame.RowCount, local.RowCount - frame.RowCount, day);
        return (set.WithTrain(local), rankShards, jobFingerprint, partials);
    }

    /// <summary>
    /// A rank's frame: every other rank's rows of validation day <paramref name="day"/> (<paramref name="others"/>, in rank
    /// order; this rank's entry unused) around its own shards' rows <paramref name="own"/>, and every rank's shards with
    /// this rank's range of that frame.
    /// </summary>
    /// <exception cref="InvalidDataException">A rank sent another number of rows of the day than its counts say.</exception>
    internal static (Frame Frame, RankShards Shards) Assemble(int rank, Frame own, IReadOnlyList<Frame?> others, IReadOnlyList<ShardDays> days, int day)
    {
        var parts = new List<Frame>();
        var start = 0;
        for (var r = 0; r < others.Count; r++)
        {
            if (r == rank)
            {
                start = parts.Sum(p => p.RowCount);
                parts.Add(own);
                continue;
            }
            var theirs = others[r] ?? throw new ArgumentException($"no rows of rank {r}", nameof(others));
            if (theirs.RowCount != days[r].Rows.GetValueOrDefault(day))
            {
                throw new InvalidDataException($"rank {r} sent {theirs.RowCount} rows of day {day}, where its shards hold {days[r].Rows.GetValueOrDefault(day)}");
            }
            if (theirs.Days.Any(d => d != day)) { throw new InvalidDataException($"rank {r} sent rows of other days than {day}"); }
            if (theirs.RowCount > 0) { parts.Add(theirs); }
        }
        return (Frame.Concat(parts), new RankShards(rank, (start, start + own.RowCount), days));
    }

    /// <summary>
    /// Refuses row ids that appear in two ranks' shards, as one machine refuses a repeated row id (each rank's reader
    /// refuses one within its own shards). Each rank sends each id to the rank its hash picks (round <c>ids</c>: 8
    /// bytes a row in all, each rank reading its share), each rank looks for an id sent by two ranks, and every rank
    /// reads every rank's finding (round <c>ids-found</c>), so all of them stop with the same message.
    /// </summary>
    /// <exception cref="DataContentException">A row id in two ranks' shards.</exception>
    private static void CheckUniqueRowIds(Frame frame, RankPartials exchange, RankPartition partition, IReadOnlyList<string> listed)
    {
        var n = partition.Ranks;
        static int Owner(long id, int ranks) => (int)((((ulong)id * 0x9E3779B97F4A7C15UL) >> 33) % (ulong)ranks);
        var buckets = Enumerable.Range(0, n).Select(_ => new List<long>()).ToArray();
        foreach (var id in frame.RowIds) { buckets[Owner(id, n)].Add(id); }
        var received = exchange.ScatterJob("ids", [.. buckets.Select(b => PartialFormat.Serialise(w => w.WriteArray<long>(b)))]);
        var seen = new Dictionary<long, int>();
        var finding = "";
        for (var q = 0; q < received.Length && finding.Length == 0; q++)
        {
            foreach (var id in PartialFormat.Deserialise(received[q], r => r.ReadArray<long>(), $"rank {q}'s row ids"))
            {
                if (seen.TryAdd(id, q)) { continue; }
                string Shards(int rank) { var own = RankShards.Assign(listed, rank, n); return $"{Path.GetFileName(own[0])}..{Path.GetFileName(own[^1])}"; }
                finding = $"row id {id} is in rank {seen[id]}'s shards ({Shards(seen[id])}) and in rank {q}'s ({Shards(q)}) of {DataSet.TrainFolder}/: expected unique row ids";
                break;
            }
        }
        var every = exchange.ExchangeJob("ids-found", PartialFormat.Serialise(w => w.WriteString(finding)));
        foreach (var payload in every)
        {
            var found = PartialFormat.Deserialise(payload, r => r.ReadText(), "a rank's finding on row ids");
            if (found.Length > 0) { throw new DataContentException(found); }
        }
    }

    /// <summary>The train folder's shards as every rank must see them: names (relative to the folder) and sizes.</summary>
    private static string Listing(IReadOnlyList<string> sources)
        => string.Join('\n', sources.Select(s => $"{Path.GetFileName(s)}\t{new FileInfo(s).Length}"));

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}

/// <summary>A frame's rows in the compact form ranks exchange (<see cref="PartialFormat"/>): the row ids, days, each
/// categorical's levels and codes, each number column and each label column, in the schema's order.</summary>
internal static class FrameRows
{
    public static byte[] Serialise(Frame frame) => PartialFormat.Serialise(w =>
    {
        w.WriteArray<long>(frame.RowIds);
        w.WriteArray<int>(frame.Days);
        foreach (var c in frame.Categoricals)
        {
            w.WriteString(c.Name);
            w.WriteArray<int>(c.Levels);
            w.WriteArray<int>(c.Codes);
        }
        foreach (var c in frame.Numerics)
        {
            w.WriteString(c.Name);
            w.WriteArray<float>(c.Values);
        }
        foreach (var c in frame.Labels)
        {
            w.WriteString(c.Name);
            w.WriteArray<byte>(c.Values);
        }
    });

    /// <summary>A frame of <paramref name="schema"/> from <see cref="Serialise"/>'s bytes.</summary>
    /// <exception cref="InvalidDataException">Bytes of another schema, or damaged.</exception>
    public static Frame Read(ReadOnlyMemory<byte> bytes, Schema schema, string what) => PartialFormat.Deserialise(bytes, r =>
    {
        var ids = r.ReadArray<long>();
        var days = r.ReadArray<int>();
        if (days.Length != ids.Length) { throw new InvalidDataException($"{ids.Length} row ids but {days.Length} days"); }
        string Name(ColumnSpec spec)
        {
            var name = r.ReadText();
            return name == spec.Name ? name : throw new InvalidDataException($"column {name} where {spec.Name} was expected");
        }
        T[] Values<T>(string name) where T : unmanaged
        {
            var values = r.ReadArray<T>();
            return values.Length == ids.Length ? values : throw new InvalidDataException($"column {name}: {values.Length} values for {ids.Length} rows");
        }
        var categoricals = schema.Columns.Where(c => c.Kind == ColumnKind.Categorical).Select(spec =>
        {
            var name = Name(spec);
            var levels = r.ReadArray<int>();
            var codes = Values<int>(name);
            if (codes.Any(c => c != CategoricalColumn.Missing && (uint)c >= (uint)levels.Length)) { throw new InvalidDataException($"column {name}: a code beyond its {levels.Length} levels"); }
            return new CategoricalColumn(name, codes, levels);
        }).ToList();
        var numerics = schema.Columns.Where(c => c.Kind is ColumnKind.Binary or ColumnKind.Numeric).Select(spec => new NumericColumn(Name(spec), spec.Kind, Values<float>(spec.Name))).ToList();
        var labels = schema.Columns.Where(c => c.Kind == ColumnKind.Label).Select(spec => new LabelColumn(Name(spec), Values<byte>(spec.Name))).ToList();
        return new Frame(schema, ids, days, categoricals, numerics, labels);
    }, what);
}
