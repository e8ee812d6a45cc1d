namespace Cvr.Modeling;

/// <summary>
/// When training gives memory back, in one place: the two kinds of collection training asks for and why. Training's
/// peak is set by a few huge arrays (the float matrix: 2.4 GB at scale 1.0; a chunk of features; LightGBM's sample),
/// each garbage at a known moment while LightGBM allocates natively, so no managed allocation would trigger the
/// collector before the next one is made beside it. Every call site is such a moment and names it.
/// </summary>
/// <remarks>
/// A third tool of the policy is <see cref="MatrixBox"/>: a matrix handed over in a box, so no stack slot of the
/// caller keeps it alive through the collection that should free it.
/// </remarks>
internal static class MemoryPolicy
{
    /// <summary>
    /// A phase ended and dropped large arrays (the fit's inputs, a binned matrix, the probes' datasets, a sample):
    /// collects them and returns their pages to the system. A plain collection frees the arrays without giving the
    /// pages back: resident memory stayed at 5 GB through training at scale 1.0 with a 1.4 GB managed heap, until the
    /// collection was made aggressive (it decommits).
    /// </summary>
    public static void PhaseEnded() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

    /// <summary>
    /// A chunk of training rows was consumed (binned, or read by an ensemble member). Each chunk's matrix and inputs
    /// are large-object garbage, which a workstation collector may leave for many chunks (the heap grew by 6 GB over
    /// scale 1.0's 38 chunks): collected here, the next chunk reuses the same memory. Marking is cheap — the live heap
    /// is mostly arrays of numbers — and nothing is compacted.
    /// </summary>
    public static void ChunkConsumed() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
}
