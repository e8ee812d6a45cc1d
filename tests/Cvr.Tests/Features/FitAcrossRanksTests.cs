using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>
/// A fit across ranks: each rank fits its own range of rows, its partial states go through their serialised form
/// (<see cref="PartialFormat"/>) to every rank, and every rank merges them in rank order — and every rank ends with the
/// pipeline of one fit on every row, byte for byte (the bundle's features.json).
/// </summary>
public class FitAcrossRanksTests
{
    private const int Rows = 3_000;

    /// <summary>Every configuration of <see cref="ShardedFitTests"/>, on 1, 2 (uneven) and 3 ranks (one with a single row).</summary>
    public static TheoryData<string, int[]> Cases() => ShardedFitTests.UnevenCases(Rows);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FitAcrossRanks_EveryRank_GetsTheBytesOfOneFit(string which, int[] ends)
    {
        var train = FeatureFrames.Default(Rows, seed: 31);
        var test = which == "train_and_test" ? FeatureFrames.Default(500, seed: 32, firstRowId: Rows + 1, day: 67) : null;
        int[]? rows = which == "fitting_subset" ? [.. Enumerable.Range(0, Rows).Where(r => r % 5 != 2)] : null;
        // Slices of 97 rows: every rank boundary cuts through a slice of the group statistics.
        var pipeline = new FeaturePipeline(ShardedFitTests.Config(which)) { StatisticsSliceRows = 97 };
        var exchange = new MemoryExchange(ends.Length);

        var fitted = RunRanks(ends.Length, r => pipeline.FitAcrossRanks(train, new RankFit(r, ends, exchange.Of(r)), rows, test).ToJson());

        var whole = pipeline.Fit(train, rows, test).ToJson();
        Assert.All(fitted, json => Assert.Equal(whole, json));
        // Every round went through the exchange: base columns, date_mod and the first crosses, the cross of a cross, the rest.
        Assert.Equal(["base", "keys-1", "keys-2", "rest"], exchange.Rounds);
    }

    [Fact]
    public void FitAcrossRanks_TruncatedPartialState_IsRefusedNamingTheStep()
    {
        var train = FeatureFrames.Default(400, seed: 33);
        var pipeline = new FeaturePipeline(FeatureConfig.Default);
        var exchange = new MemoryExchange(2, damage: payload => payload[..^1]);

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => pipeline.FitAcrossRanks(train, new RankFit(r, [200, 400], exchange.Of(r)))));

        Assert.All(e.InnerExceptions, x => Assert.StartsWith("the partial state of rank ", Assert.IsType<InvalidDataException>(x).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void FitAcrossRanks_PartialStatesOfOtherSteps_AreRefused()
    {
        var train = FeatureFrames.Default(400, seed: 34);
        var exchange = new MemoryExchange(2);
        // Rank 1 has one cross fewer: the ranks fit other steps (a bug, or ranks started with other configs).
        var configs = new[] { FeatureConfig.Default, FeatureConfig.Default with { Crosses = [.. FeatureConfig.Default.Crosses.Skip(1)] } };

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => new FeaturePipeline(configs[r]).FitAcrossRanks(train, new RankFit(r, [200, 400], exchange.Of(r)))));

        Assert.Contains(e.InnerExceptions, x => x is InvalidDataException && x.Message.Contains("rank 1 sent", StringComparison.Ordinal));
    }

    /// <summary>Runs each rank on a thread of its own (a rank blocks in the exchange until every rank has sent).</summary>
    private static T[] RunRanks<T>(int ranks, Func<int, T> rank)
    {
        var tasks = Enumerable.Range(0, ranks).Select(r => Task.Factory.StartNew(() => rank(r), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    /// <summary>An exchange in memory: a round returns once every rank has sent its payload; <paramref name="damage"/>
    /// changes rank 1's payloads on the way.</summary>
    private sealed class MemoryExchange(int ranks, Func<byte[], byte[]>? damage = null)
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
            public IReadOnlyList<byte[]> Exchange(string round, byte[] payload) => all.Send(rank, round, payload);
        }
    }
}
