using System.Buffers.Binary;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>
/// LightGBM's bin sample of every rank's training rows, for one rank of a data-parallel job with a shared folder:
/// each rank computes the features of the sampled rows in its own block (<see cref="RankRows.Block"/>) and
/// sends them in a round of its feature fit's exchange (<see cref="RankPartials"/>), and every rank places every
/// rank's rows where they sit in the sample. Every rank then holds the matrix one machine computes for the sample
/// — the same rows, the same values — without computing the features of another rank's rows, so the bins are one
/// machine's (<see cref="StreamedBinning"/>).
/// </summary>
internal static class RankSample
{
    /// <summary>The features of the training rows at <paramref name="positions"/> (indices among every rank's training
    /// rows, placed by <paramref name="ranks"/>), in that order.</summary>
    /// <param name="transform">The features of rows of this rank's block (positions among every rank's training rows).</param>
    /// <param name="round">The round's name, one per sample of a fit (<c>sample</c>, <c>sample-liked</c>).</param>
    /// <exception cref="InvalidDataException">A rank sent another number of rows or values than its part of the sample.</exception>
    public static FeatureMatrix Gather(int[] positions, RankRows ranks, RowsTransform transform, IPartialExchange exchange, string round)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var parts = new List<int>[ranks.Ranks]; // each rank's indices into positions
        for (var r = 0; r < parts.Length; r++) { parts[r] = []; }
        var (ends, rows) = (ranks.Ends, ranks.Total);
        for (var i = 0; i < positions.Length; i++)
        {
            var p = positions[i];
            if ((uint)p >= (uint)rows) { throw new ArgumentOutOfRangeException(nameof(positions), $"position {p} is not one of the {rows} training rows"); }
            parts[RankOf(ends, p)].Add(i);
        }
        var own = parts[ranks.Rank];
        var (sample, payload) = Local(positions, own, transform);
        // The local rows' matrix and their features' inputs are garbage now (they are in the sample and the payload):
        // collected before the other ranks' rows are read, which then take their place.
        MemoryPolicy.ChunkConsumed();
        PlaceOthers(sample, parts, exchange, round, payload, ranks.Rank);
        // The payloads (this rank's and the files read: the sample's size again) are garbage now: collected, and their
        // pages returned, before LightGBM's copies of the sample are allocated (without: 145 MB more peak memory per
        // rank at scale 0.05, 2 ranks).
        MemoryPolicy.PhaseEnded();
        return sample;
    }

    /// <summary>Sends this rank's <paramref name="payload"/> and puts every other rank's rows in place; in a frame of its
    /// own, so no local keeps a payload alive through the collection after it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void PlaceOthers(FeatureMatrix sample, List<int>[] parts, IPartialExchange exchange, string round, byte[] payload, int rank)
    {
        var every = exchange.Exchange(round, payload);
        if (every.Count != parts.Length)
        {
            throw new InvalidOperationException($"the exchange of round {round} gave {every.Count} ranks' rows for {parts.Length} ranks");
        }
        for (var r = 0; r < every.Count; r++)
        {
            if (r != rank) { Place(sample, parts[r], Values(every[r].Span, parts[r].Count, sample.Rows, sample.Columns, $"rank {r}'s {round}")); }
        }
    }

    /// <summary>The sample with this rank's rows in place, and its payload: in a frame of its own, so no local keeps the
    /// rows' matrix alive through the collection after it.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (FeatureMatrix Sample, byte[] Payload) Local(int[] positions, List<int> own, RowsTransform transform)
    {
        var local = transform([.. own.Select(i => positions[i])]);
        var sample = new FeatureMatrix(local.Names, positions.Length);
        Place(sample, own, local.Data);
        return (sample, Payload(local));
    }

    /// <summary>A rank's sampled rows as it sends them: their count (int32), then their values column by column as an
    /// array of float32 (<see cref="PartialFormat"/>'s form), written straight into one array.</summary>
    private static byte[] Payload(FeatureMatrix rows)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.AsBytes(rows.Data.AsSpan());
        var payload = GC.AllocateUninitializedArray<byte>((2 * sizeof(int)) + values.Length);
        BinaryPrimitives.WriteInt32LittleEndian(payload, rows.Rows);
        BinaryPrimitives.WriteInt32LittleEndian(payload.AsSpan(sizeof(int)), rows.Data.Length);
        if (!BitConverter.IsLittleEndian) { throw new PlatformNotSupportedException("the sample is exchanged little-endian"); }
        values.CopyTo(payload.AsSpan(2 * sizeof(int)));
        return payload;
    }

    /// <summary>The values of a rank's <see cref="Payload"/>, read in place.</summary>
    /// <exception cref="InvalidDataException">Another number of rows than the rank's part of the sample, or of values.</exception>
    private static ReadOnlySpan<float> Values(ReadOnlySpan<byte> payload, int rows, int sampled, int columns, string what)
    {
        if (payload.Length < 2 * sizeof(int)) { throw new InvalidDataException($"the partial state of {what} ends early ({payload.Length} bytes)"); }
        var count = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (count != rows)
        {
            throw new InvalidDataException($"the partial state of {what}: {count} rows, where its block holds {rows} of the {sampled} sampled");
        }
        var values = BinaryPrimitives.ReadInt32LittleEndian(payload[sizeof(int)..]);
        if (values != (long)rows * columns || payload.Length - (2 * sizeof(int)) != (long)values * sizeof(float))
        {
            throw new InvalidDataException($"the partial state of {what}: {values} values in {payload.Length - (2 * sizeof(int))} bytes for {rows} rows of {columns} features");
        }
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(payload[(2 * sizeof(int))..]);
    }

    /// <summary>Puts a rank's rows (column-major, in the order of <paramref name="at"/>) at their places in the sample.</summary>
    private static void Place(FeatureMatrix sample, List<int> at, ReadOnlySpan<float> data)
    {
        for (var j = 0; j < sample.Columns; j++)
        {
            var to = sample.Column(j);
            var from = data.Slice(j * at.Count, at.Count);
            for (var k = 0; k < at.Count; k++) { to[at[k]] = from[k]; }
        }
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
