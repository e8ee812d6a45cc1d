using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>Ranks of a data-parallel job in one process: each on a thread of its own, exchanging in memory.</summary>
internal static class RankThreads
{
    /// <summary>Runs each rank on a thread of its own (a rank blocks in the exchange until every rank has sent).</summary>
    public static T[] RunRanks<T>(int ranks, Func<int, T> rank)
    {
        var tasks = Enumerable.Range(0, ranks).Select(r => Task.Factory.StartNew(() => rank(r), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    /// <summary>An exchange in memory: a round returns once every rank has sent its payload; <paramref name="damage"/>
    /// changes rank 1's payloads on the way.</summary>
    internal sealed class MemoryExchange(int ranks, Func<byte[], byte[]>? damage = null)
    {
        private readonly Dictionary<string, byte[]?[]> _rounds = [];
        private readonly object _lock = new();

        public List<string> Rounds { get; } = [];

        public IPartialExchange Of(int rank) => new Rank(this, rank);

        private byte[][] Send(int rank, string round, byte[] payload)
        {
            lock (_lock)
            {
                if (!_rounds.TryGetValue(round, out var slots))
                {
                    _rounds[round] = slots = new byte[ranks][];
                    Rounds.Add(round);
                }
                slots[rank] = rank == 1 && damage is not null ? damage(payload) : payload;
                Monitor.PulseAll(_lock);
                while (slots.Any(s => s is null))
                {
                    if (!Monitor.Wait(_lock, TimeSpan.FromMinutes(2))) { throw new TimeoutException($"round {round}: a rank sent nothing"); }
                }
                return slots!;
            }
        }

        private sealed class Rank(MemoryExchange all, int rank) : IPartialExchange
        {
            public IReadOnlyList<ReadOnlyMemory<byte>> Exchange(string round, byte[] payload) => [.. all.Send(rank, round, payload).Select(p => new ReadOnlyMemory<byte>(p))];
        }
    }

    /// <summary>The frame with every row outside [<paramref name="start"/>, <paramref name="end"/>) garbled: another row
    /// id (another fold), a day 30 earlier, flipped labels, each categorical the next level, each number changed; rows
    /// <paramref name="keep"/> says are left as they are.</summary>
    public static Frame Garbled(Frame frame, int start, int end, Func<int, bool>? keep = null)
    {
        bool Outside(int r) => (r < start || r >= end) && keep?.Invoke(r) != true;
        T[] Map<T>(T[] values, Func<T, T> garble) => [.. values.Select((v, r) => Outside(r) ? garble(v) : v)];
        return new Frame(frame.Schema, Map(frame.RowIds, id => id + 7_777_777), Map(frame.Days, d => d - 30),
            [.. frame.Categoricals.Select(c => new CategoricalColumn(c.Name, Map(c.Codes, code => code == CategoricalColumn.Missing ? 0 : (code + 1) % c.Levels.Length), c.Levels))],
            [.. frame.Numerics.Select(n => new NumericColumn(n.Name, n.Kind, Map(n.Values, v => float.IsNaN(v) ? 1f : (v * 1.7f) + 3f)))],
            [.. frame.Labels.Select(l => new LabelColumn(l.Name, Map(l.Values, v => (byte)(1 - v))))]);
    }
}

/// <summary>Each rank's frame of a data-parallel job whose shards end at given rows of a whole frame, built as a rank
/// builds it (<see cref="Cvr.Modeling.RankData.Assemble"/>): its own shards' rows and the other ranks' validation-day
/// rows, sent through their serialised form.</summary>
internal static class RankFrames
{
    public static (Frame Frame, Cvr.Modeling.RankShards Shards)[] Of(Frame whole, int[] shardEnds, int validationDay)
    {
        var owns = shardEnds.Select((end, r) =>
        {
            var start = r == 0 ? 0 : shardEnds[r - 1];
            return whole.Select([.. Enumerable.Range(start, end - start)], keepLabels: true);
        }).ToArray();
        var days = owns.Select(Cvr.Modeling.ShardDays.Of).ToArray();
        var sent = owns.Select(own => (Frame?)Cvr.Modeling.FrameRows.Read(
            Cvr.Modeling.FrameRows.Serialise(own.Select([.. Enumerable.Range(0, own.RowCount).Where(i => own.Days[i] == validationDay)], keepLabels: true)),
            own.Schema, "a rank's rows")).ToArray();
        return [.. Enumerable.Range(0, shardEnds.Length).Select(r => Cvr.Modeling.RankData.Assemble(r, owns[r], sent, days, validationDay))];
    }
}
