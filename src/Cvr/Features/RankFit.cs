using Cvr.Data;

namespace Cvr.Features;

/// <summary>How the ranks of a data-parallel job pass each other their partial feature states: one call per round of
/// a fit, every rank calling the same rounds in the same order.</summary>
internal interface IPartialExchange
{
    /// <summary>Publishes this rank's <paramref name="payload"/> of <paramref name="round"/> and returns every rank's,
    /// in rank order (this rank's own at its index).</summary>
    IReadOnlyList<ReadOnlyMemory<byte>> Exchange(string round, byte[] payload);
}

/// <summary>
/// One rank's part of a feature fit across ranks (<see cref="FeaturePipeline.FitAcrossRanks"/>): the frame's rows cut
/// into one contiguous range per rank (<paramref name="ShardEnds"/>, as <see cref="FeaturePipeline.FitSharded"/> takes
/// them; every rank the same), this rank's index among them, and the exchange. Each rank fits its range into partial
/// states, and every rank merges every rank's in rank order: the pipeline of one fit on every row, byte for byte.
/// </summary>
internal sealed record RankFit(int Rank, IReadOnlyList<int> ShardEnds, IPartialExchange Exchange)
{
    /// <summary>The position of this rank's first fitting row among every rank's: 0 when its frame holds every rank's
    /// fitting rows (their positions are then the frame's), or the rows before its own when it holds only its own.</summary>
    public int FittingOffset { get; init; }

    /// <summary>Every rank's fitting rows; null: the fitting rows given to the fit are every rank's.</summary>
    public int? FittingTotal { get; init; }

    /// <summary>What a step is, for checking that every rank sent the same steps: its type and its output names.</summary>
    internal static string Identify(FeatureStep step, Schema schema) => $"{step.GetType().Name}({string.Join(',', step.Declare(schema).Select(c => c.Name))})";

    /// <summary>One round's payload: the number of steps, then each step's identity and serialised partial state.</summary>
    internal static byte[] Encode(IReadOnlyList<string> steps, IReadOnlyList<byte[]> partials) => PartialFormat.Serialise(w =>
    {
        w.Write(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            w.WriteString(steps[i]);
            w.WriteArray<byte>(partials[i]);
        }
    });

    /// <summary>The partial states of <paramref name="steps"/> in a rank's payload.</summary>
    /// <exception cref="InvalidDataException">A payload of other steps (a bug: every rank of one build and config fits
    /// the same steps, which the exchange checks before this).</exception>
    internal static ReadOnlyMemory<byte>[] Decode(ReadOnlyMemory<byte> payload, IReadOnlyList<string> steps, int rank) => PartialFormat.Deserialise(payload, r =>
    {
        var count = r.ReadInt32();
        if (count != steps.Count) { throw new InvalidDataException($"rank {rank} sent {count} steps' partial states, this rank fits {steps.Count}"); }
        var partials = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            var step = r.ReadText();
            if (step != steps[i]) { throw new InvalidDataException($"rank {rank} sent the partial state of {step} where this rank fits {steps[i]}"); }
            partials[i] = r.ReadArray<byte>();
        }
        return partials;
    }, $"rank {rank}'s round");
}
