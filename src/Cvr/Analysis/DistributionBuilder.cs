using Cvr.Data;

namespace Cvr.Analysis;

/// <summary>Scans the frames once per column to build every column's <see cref="ColumnDistribution"/>.</summary>
internal static class DistributionBuilder
{
    /// <summary>Feature columns of the train frame that the report profiles (row id and day excluded).</summary>
    public static IReadOnlyList<ColumnSpec> FeatureColumns(Frame frame)
        => frame.Schema.Columns.Where(c => c.Kind is ColumnKind.Categorical or ColumnKind.Binary or ColumnKind.Numeric).ToArray();

    public static IReadOnlyList<ColumnDistribution> Build(SplitLayout layout, ParallelOptions parallel)
    {
        var columns = FeatureColumns(layout.TrainFrame);
        var result = new ColumnDistribution[columns.Count];
        Parallel.For(0, columns.Count, parallel, i =>
        {
            var spec = columns[i];
            result[i] = spec.Kind == ColumnKind.Categorical ? Categorical(layout, spec.Name) : Numeric(layout, spec);
        });
        return result;
    }

    private static ColumnDistribution Categorical(SplitLayout layout, string name)
    {
        var train = layout.TrainFrame.Categorical(name);
        CategoricalColumn? test = null;
        layout.TestFrame?.TryGetCategorical(name, out test!);
        var levels = test is null ? train.Levels : train.Levels.Union(test.Levels).Order().ToArray();
        var values = levels.Select(v => (double)v).ToArray();
        var counts = new long[layout.Count][];
        var missing = new long[layout.Count];
        for (var s = 0; s < layout.Count; s++) { counts[s] = new long[values.Length]; }

        // Count by the frame's own codes first (a tight loop), then move the counts to the union's positions.
        var local = new long[layout.Count, train.Cardinality + 1];
        var split = layout.TrainSplitOfRow;
        var codes = train.Codes;
        for (var r = 0; r < codes.Length; r++) { local[split[r], codes[r] + 1]++; }
        for (var s = 0; s < layout.Count; s++)
        {
            if (s == layout.TestIndex) { continue; }
            missing[s] = local[s, 0];
            for (var c = 0; c < train.Cardinality; c++)
            {
                counts[s][Array.BinarySearch(levels, train.Levels[c])] += local[s, c + 1];
            }
        }
        if (test is not null && layout.TestIndex is { } t)
        {
            var testLocal = new long[test.Cardinality + 1];
            foreach (var code in test.Codes) { testLocal[code + 1]++; }
            missing[t] = testLocal[0];
            for (var c = 0; c < test.Cardinality; c++)
            {
                counts[t][Array.BinarySearch(levels, test.Levels[c])] += testLocal[c + 1];
            }
        }
        return new ColumnDistribution(name, ColumnKind.Categorical, values, counts, missing);
    }

    private static ColumnDistribution Numeric(SplitLayout layout, ColumnSpec spec)
    {
        var maps = new Dictionary<float, long>[layout.Count];
        var missing = new long[layout.Count];
        for (var s = 0; s < layout.Count; s++) { maps[s] = []; }
        var split = layout.TrainSplitOfRow;
        var train = layout.TrainFrame.Numeric(spec.Name).Values;
        for (var r = 0; r < train.Length; r++)
        {
            Add(maps[split[r]], ref missing[split[r]], train[r]);
        }
        if (layout.TestIndex is { } t && layout.TestFrame!.TryGetNumeric(spec.Name, out var test))
        {
            foreach (var v in test.Values) { Add(maps[t], ref missing[t], v); }
        }
        var values = maps.SelectMany(m => m.Keys).Distinct().Order().Select(v => (double)v).ToArray();
        var counts = new long[layout.Count][];
        for (var s = 0; s < layout.Count; s++)
        {
            counts[s] = new long[values.Length];
            foreach (var (v, n) in maps[s]) { counts[s][Array.BinarySearch(values, (double)v)] = n; }
        }
        return new ColumnDistribution(spec.Name, spec.Kind, values, counts, missing);
    }

    private static void Add(Dictionary<float, long> map, ref long missing, float v)
    {
        if (float.IsNaN(v))
        {
            missing++;
            return;
        }
        // -0 and +0 are one value.
        if (v == 0) { v = 0; }
        System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(map, v, out _)++;
    }
}
