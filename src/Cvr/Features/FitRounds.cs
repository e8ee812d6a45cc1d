using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The rounds of a pipeline fit (<see cref="FeaturePipeline"/>): each a set of steps whose inputs are already fitted
/// (the base columns; the steps that give keys, level by level; the rest), fitted on this process's shards. Across
/// ranks (<see cref="RankFit"/>), a round's partial states are serialised, exchanged, and every rank's merged in rank
/// order, so a step fitted in a later round reads keys every rank agrees on.
/// </summary>
internal sealed class FitRounds(IReadOnlyList<FeatureStep> steps, RankFit? ranks, Schema schema, ParallelOptions parallel)
{
    /// <summary>Fits the steps at <paramref name="indices"/> into <paramref name="fitted"/>.</summary>
    public void Fit(string round, IReadOnlyList<int> indices, Func<FeatureStep, FitShard[]> shardsOf, FittedStep[] fitted)
    {
        // Every rank has the same steps, so every rank skips the same rounds.
        if (indices.Count == 0) { return; }
        if (ranks is null)
        {
            Each(indices, i => fitted[i] = steps[i].Fit(shardsOf(steps[i]), parallel));
            return;
        }
        var partials = new byte[steps.Count][];
        Each(indices, i => partials[i] = steps[i].FitSerialised(shardsOf(steps[i]), parallel));
        string[] names = [.. indices.Select(i => RankFit.Identify(steps[i], schema))];
        var every = ranks.Exchange.Exchange(round, RankFit.Encode(names, [.. indices.Select(i => partials[i])]));
        if (every.Count != ranks.ShardEnds.Count)
        {
            throw new InvalidOperationException($"the exchange of round {round} gave {every.Count} ranks' partial states for {ranks.ShardEnds.Count} ranks");
        }
        var decoded = every.Select((payload, r) => RankFit.Decode(payload, names, r)).ToArray();
        // Each step merges its ranks' partials in rank order, in a slot of its own: nothing depends on the schedule.
        Parallel.For(0, indices.Count, parallel, k => fitted[indices[k]] = steps[indices[k]].MergeSerialised([.. decoded.Select(d => d[k])]));
    }

    /// <summary>One after the other when each fills the cores itself, the others side by side.</summary>
    private void Each(IReadOnlyList<int> indices, Action<int> fit)
    {
        foreach (var i in indices.Where(i => !steps[i].FitsSideBySide)) { fit(i); }
        Parallel.ForEach(indices.Where(i => steps[i].FitsSideBySide), parallel, fit);
    }

    /// <summary>The steps that give keys (after the base columns), grouped by level: level 1 reads no other step's key,
    /// level k reads a key of level k − 1 (a step reads only earlier steps' keys).</summary>
    public static IEnumerable<(int Level, int[] Indices)> KeyLevels(IReadOnlyList<FeatureStep> steps)
    {
        var levels = new Dictionary<string, int>(StringComparer.Ordinal);
        var found = new List<(int Level, int Index)>();
        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Key is not { } key) { continue; }
            var level = 1 + steps[i].Reads.Select(r => levels.GetValueOrDefault(r)).DefaultIfEmpty(0).Max();
            levels[key] = level;
            found.Add((level, i));
        }
        return found.GroupBy(p => p.Level).OrderBy(g => g.Key).Select(g => (g.Key, g.Select(p => p.Index).ToArray()));
    }
}
