using Cvr.Data;

namespace Cvr.Features;

/// <summary>
/// The list of feature steps: the one place that says which steps a config has and in what order (base columns,
/// date_mod, crosses, group statistics, target encodings, history). Output names and kinds, required columns, the
/// batch and the per-row transform, and the deep model's input kinds are all read from the list.
/// </summary>
internal static class FeatureSteps
{
    /// <summary>The steps of <paramref name="config"/>, in output order.</summary>
    public static IReadOnlyList<FeatureStep> From(FeatureConfig config, int sliceRows = FittedGroupStatistics.SliceRows)
    {
        List<FeatureStep> steps = [new BaseColumnsStep(config)];
        if (config.DateMod.Enabled) { steps.Add(new DateModStep(config.DateMod.Modulus)); }
        var crossesAsOf = config.CrossesEncoding == SeenEncoding.AsOf;
        steps.AddRange(config.Crosses.Select(p => new CrossStep(p[0], p[1], crossesAsOf)));
        var g = config.GroupStatistics;
        steps.AddRange(g.Pairs.Select(p => new GroupStatisticsStep(p[0], p[1], g.Scope, sliceRows, g.Encoding == SeenEncoding.AsOf)));
        var te = config.TargetEncoding;
        steps.AddRange(te.Targets.SelectMany(target => te.Columns.Select(column => new BetaEncoderStep(column, target, te))));
        steps.AddRange(config.History.Keys.Select(key => new HistoryStep(key, config.History)));
        return steps;
    }

    /// <summary>The steps of a fitted pipeline (one just fitted or one read from a bundle), bound to its states,
    /// in the order of <see cref="From"/>.</summary>
    public static IReadOnlyList<FittedStep> Of(FittedFeaturePipeline pipeline)
    {
        var config = pipeline.Config;
        List<FittedStep> steps = [new BaseColumnsStep(config).Bind(pipeline.BaseColumns)];
        if (pipeline.DateModulus is { } modulus) { steps.Add(new DateModStep(modulus).Bind(new FittedDateMod(modulus))); }
        steps.AddRange(pipeline.Crosses.Select(c => new CrossStep(c.Left, c.Right, config.CrossesEncoding == SeenEncoding.AsOf).Bind(c)));
        var g = config.GroupStatistics;
        steps.AddRange(pipeline.GroupStatistics.Select(s => new GroupStatisticsStep(s.Group, s.Value, g.Scope, FittedGroupStatistics.SliceRows, g.Encoding == SeenEncoding.AsOf).Bind(s)));
        steps.AddRange(pipeline.Encoders.Select(e => new BetaEncoderStep(e.Column, e.Target, config.TargetEncoding).Bind(e)));
        steps.AddRange(pipeline.HistorySteps.Select(h => new HistoryStep(h.Key, new HistoryConfig
        {
            Keys = [h.Key], Windows = h.Windows, Statistics = h.Statistics, PriorRows = h.PriorRows, FirstSeen = h.FirstSeen, SameDay = h.SameDay,
        }).Bind(h)));
        return steps;
    }

    /// <summary>
    /// The steps to fit for the output names <paramref name="keep"/> (null: every step): those with a kept output,
    /// and those whose key a fitted step reads (a cross a kept encoding is keyed on is fitted as an input, its own
    /// column left out); the base columns always, as every numeric input is read through their cleaning.
    /// </summary>
    public static IReadOnlyList<FeatureStep> Prune(IReadOnlyList<FeatureStep> steps, Schema schema, IReadOnlyList<string>? keep)
    {
        if (keep is null) { return steps; }
        var kept = new HashSet<string>(keep, StringComparer.Ordinal);
        var read = new HashSet<string>(StringComparer.Ordinal);
        var needed = new bool[steps.Count];
        // Backwards: a step reads only keys of earlier steps.
        for (var i = steps.Count - 1; i >= 0; i--)
        {
            var step = steps[i];
            needed[i] = step is BaseColumnsStep || step.Declare(schema).Any(c => kept.Contains(c.Name)) || (step.Key is { } key && read.Contains(key));
            if (needed[i]) { read.UnionWith(step.Reads); }
        }
        return [.. steps.Where((_, i) => needed[i])];
    }

    /// <exception cref="ConfigurationException">A kept name that is not one of <paramref name="known"/>.</exception>
    public static void CheckKept(IEnumerable<string> known, IReadOnlyList<string> keep)
    {
        var names = new HashSet<string>(known, StringComparer.Ordinal);
        for (var i = 0; i < keep.Count; i++)
        {
            if (!names.Contains(keep[i]))
            {
                throw new ConfigurationException($"keep[{i}]: '{keep[i]}' is not a feature of this pipeline (expected one of the names in docs/features.md)");
            }
        }
    }

    /// <summary>The data columns the steps read: every input that is not an earlier step's key.</summary>
    public static IEnumerable<string> RequiredColumns(IReadOnlyList<FeatureStep> steps)
    {
        var keys = steps.Select(s => s.Key).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return steps.SelectMany(s => s.Reads).Where(n => !keys.Contains(n)).Distinct();
    }

    /// <summary>Why the steps can't be served row by row (the reasons of steps that share a template joined), or null.</summary>
    public static string? Unservable(IEnumerable<FittedStep> steps)
    {
        var reasons = steps.Select(s => s.Unservable).OfType<UnservableReason>().GroupBy(r => r.Template)
            .Select(g => string.Format(System.Globalization.CultureInfo.InvariantCulture, g.Key, string.Join(", ", g.Select(r => r.Item))))
            .ToArray();
        return reasons.Length == 0 ? null : reasons[0];
    }
}
