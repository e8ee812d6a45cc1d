using Cvr.Tuning;

namespace Cvr.Data.Synthetic;

/// <summary>
/// Rows per day (data-format.md's table × scale), the train shards and which day each train row belongs to:
/// the days are shuffled over all rows, so every shard mixes days as in the real data.
/// </summary>
internal sealed class GenerationPlan
{
    public int[] TrainRowsPerDay { get; }
    public int TrainRows { get; }
    public int TestRows { get; }
    public int Shards { get; }

    /// <summary>Day of train row i (row id i + 1), as an offset from day 45.</summary>
    public byte[] DayOffset { get; }

    public GenerationPlan(GeneratorOptions options)
    {
        double scale = options.Scale;
        TrainRowsPerDay = new int[RealData.TrainRowsPerDay.Length];
        for (int k = 0; k < TrainRowsPerDay.Length; k++)
            TrainRowsPerDay[k] = Math.Max(1, (int)Math.Round(RealData.TrainRowsPerDay[k] * scale));
        TrainRows = TrainRowsPerDay.Sum();
        TestRows = Math.Max(1, (int)Math.Round(RealData.TestRows * scale));
        Shards = options.TrainShards ?? DefaultShards(TrainRows);
        if (Shards > TrainRows)
            throw new ConfigurationException("train_shards", $"{Shards} is more than the {TrainRows} train rows at scale {scale}.");

        DayOffset = new byte[TrainRows];
        int i = 0;
        for (int k = 0; k < TrainRowsPerDay.Length; k++)
            for (int n = 0; n < TrainRowsPerDay[k]; n++) DayOffset[i++] = (byte)k;
        var rng = new Xoshiro256(options.Seed, Streams.Plan);
        for (int j = DayOffset.Length - 1; j > 0; j--)
        {
            int other = rng.NextInt(j + 1);
            (DayOffset[j], DayOffset[other]) = (DayOffset[other], DayOffset[j]);
        }
    }

    /// <summary>First row (0-based) of a shard; shards split the row ids into near-equal contiguous ranges.</summary>
    public int ShardStart(int shard) => (int)((long)TrainRows * shard / Shards);

    public int ShardEnd(int shard) => ShardStart(shard + 1);

    /// <summary>30 shards from scale 1 up (as the real data); fewer when smaller, but 2 when there are rows for 2.</summary>
    private static int DefaultShards(int trainRows)
    {
        int byRows = (int)Math.Ceiling(trainRows / (double)RealData.RowsPerShard);
        return Math.Clamp(byRows, Math.Min(2, trainRows), RealData.TrainShards);
    }
}
