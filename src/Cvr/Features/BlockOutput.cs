namespace Cvr.Features;

/// <summary>
/// Where a step's block of output columns goes when a selection (<see cref="FeatureConfig.Keep"/>) drops some of
/// them: a block whose columns are all kept writes straight into the output matrix (kept columns keep their order,
/// so they stay adjacent); a partly kept block writes into a scratch matrix of its own width and copies the kept
/// columns; a block with none kept is not computed at all.
/// </summary>
internal sealed class BlockOutput(IReadOnlyList<string> all, IReadOnlyList<string> kept, FeatureMatrix matrix)
{
    private readonly Dictionary<string, int> _position = kept.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

    /// <summary>The block of <paramref name="width"/> columns starting at <paramref name="first"/> in the full order.</summary>
    public Target Block(int first, int width)
    {
        var targets = new int[width];
        var keptCount = 0;
        for (var k = 0; k < width; k++)
        {
            targets[k] = _position.TryGetValue(all[first + k], out var j) ? j : -1;
            if (targets[k] >= 0) { keptCount++; }
        }
        return keptCount == width ? new Target(matrix, targets[0], null, null)
            : keptCount == 0 ? new Target(null, 0, null, null)
            : new Target(matrix, 0, targets, all.Skip(first).Take(width).ToArray());
    }

    /// <summary>One block's destination: <see cref="Write"/> hands the step a matrix and <see cref="First"/>, the
    /// column its block starts at there.</summary>
    public sealed class Target(FeatureMatrix? output, int first, int[]? targets, string[]? names)
    {
        public bool Wanted => output is not null;

        public int First { get; } = first;

        public void Write(Action<FeatureMatrix> step)
        {
            if (targets is null)
            {
                step(output!);
                return;
            }
            var scratch = new FeatureMatrix(names!, output!.Rows);
            step(scratch);
            for (var k = 0; k < targets.Length; k++)
            {
                if (targets[k] >= 0) { scratch.Column(k).CopyTo(output.Column(targets[k])); }
            }
        }
    }
}
