using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// LightGBM's bin sample of every rank's training rows, for one rank of a data-parallel job with a shared folder:
/// each rank computes the features of the sampled rows in its own block (<see cref="RankPartition.BlockOf"/>) and
/// sends them in a round of its feature fit's exchange (<see cref="RankPartials"/>), and every rank places every
/// rank's rows where they sit in the sample. Every rank then holds the matrix one machine computes for the sample
/// — the same rows, the same values — without computing the features of another rank's rows, so the bins are one
/// machine's (<see cref="StreamedBinning"/>).
/// </summary>
internal static class RankSample
{
    /// <summary>The features of the training rows at <paramref name="positions"/> (indices among the
    /// <paramref name="rows"/> training rows of every rank), in that order.</summary>
    /// <param name="transform">The features of rows of this rank's block (positions among every rank's training rows).</param>
    /// <param name="round">The round's name, one per sample of a fit (<c>sample</c>, <c>sample-liked</c>).</param>
    /// <exception cref="InvalidDataException">A rank sent another number of rows or values than its part of the sample.</exception>
    public static FeatureMatrix Gather(int[] positions, int rows, RankPartition partition, RowsTransform transform, IPartialExchange exchange, string round)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var parts = new List<int>[partition.Ranks]; // each rank's indices into positions
        for (var r = 0; r < parts.Length; r++) { parts[r] = []; }
        var ends = Enumerable.Range(0, partition.Ranks).Select(r => partition.BlockOf(r, rows).End).ToArray();
        for (var i = 0; i < positions.Length; i++)
        {
            var p = positions[i];
            if ((uint)p >= (uint)rows) { throw new ArgumentOutOfRangeException(nameof(positions), $"position {p} is not one of the {rows} training rows"); }
            parts[RankOf(ends, p)].Add(i);
        }
        var own = parts[partition.Rank];
        var local = transform([.. own.Select(i => positions[i])]);
        var every = exchange.Exchange(round, PartialFormat.Serialise(w =>
        {
            w.Write(local.Rows);
            w.WriteArray<float>(local.Data);
        }));
        if (every.Count != partition.Ranks)
        {
            throw new InvalidOperationException($"the exchange of round {round} gave {every.Count} ranks' rows for {partition.Ranks} ranks");
        }
        var sample = new FeatureMatrix(local.Names, positions.Length);
        for (var r = 0; r < every.Count; r++)
        {
            var part = parts[r];
            var data = r == partition.Rank ? local.Data : PartialFormat.Deserialise(every[r], reader =>
            {
                var count = reader.ReadInt32();
                if (count != part.Count)
                {
                    throw new InvalidDataException($"{count} rows, where its block holds {part.Count} of the {positions.Length} sampled");
                }
                var values = reader.ReadArray<float>();
                if (values.Length != (long)count * local.Columns)
                {
                    throw new InvalidDataException($"{values.Length} values for {count} rows of {local.Columns} features");
                }
                return values;
            }, $"rank {r}'s {round}");
            for (var j = 0; j < local.Columns; j++)
            {
                var to = sample.Column(j);
                for (var k = 0; k < part.Count; k++) { to[part[k]] = data[((long)j * part.Count) + k]; }
            }
        }
        return sample;
    }

    /// <summary>The rank whose block holds position <paramref name="p"/>: the first whose block ends after it.</summary>
    private static int RankOf(int[] ends, int p)
    {
        var (lo, hi) = (0, ends.Length - 1);
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (ends[mid] > p) { hi = mid; } else { lo = mid + 1; }
        }
        return lo;
    }
}
