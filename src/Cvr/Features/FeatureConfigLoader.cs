using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Data;

namespace Cvr.Features;

/// <summary>A feature config that can't be used: names the file and the JSON path of the offending entry.</summary>
public sealed class FeatureConfigException(string message, string path) : ConfigurationException(message)
{
    /// <summary>JSON path of the entry, e.g. <c>$.crosses[1][0]</c>.</summary>
    public string JsonPath { get; } = path;
}

/// <summary>Reads and checks feature configs. Unknown keys are errors, not silently ignored.</summary>
public static class FeatureConfigLoader
{
    internal static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    public static FeatureConfig Load(string file)
    {
        if (!File.Exists(file))
        {
            throw new FeatureConfigException($"{file}: no such feature config file", "$");
        }
        return Parse(File.ReadAllText(file), file);
    }

    public static FeatureConfig Parse(string json, string source = "feature config")
    {
        FeatureConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<FeatureConfig>(json, Options);
        }
        catch (JsonException e)
        {
            var path = e.Path ?? "$";
            var line = e.LineNumber is { } l ? $" (line {l + 1})" : "";
            throw new FeatureConfigException($"{source}: {path}{line}: {Describe(e)}", path);
        }
        if (config is null)
        {
            throw new FeatureConfigException($"{source}: $: the file holds null (expected an object of feature settings)", "$");
        }
        Check(config, source);
        return config;
    }

    public static string ToJson(FeatureConfig config) => JsonSerializer.Serialize(config, Options);

    private static string Describe(JsonException e)
    {
        var message = e.Message;
        if (message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return "unknown setting (see docs/features.md for the settings)";
        }
        if (message.Contains("could not be converted to", StringComparison.Ordinal))
        {
            var match = System.Text.RegularExpressions.Regex.Match(message, @"converted to ([\w.`\[\]]+?)\.(?: |$)");
            var type = match.Success ? match.Groups[1].Value.Split('.')[^1] : "?";
            return $"invalid value (expected {ExpectedFor(type)})";
        }
        return message.Split(" Path:")[0];
    }

    private static string ExpectedFor(string typeName) => typeName switch
    {
        nameof(TargetEncodingMode) => "out_of_fold, in_sample or as_of",
        nameof(StatisticsScope) => "train, train_and_test or day",
        nameof(SeenEncoding) => "in_sample or as_of",
        nameof(BetaMomentFormulas) => "true or paper",
        nameof(BetaPriorRule) => "paper or authors",
        nameof(BaseValueSource) => "paper, explicit, detect or none",
        nameof(BetaStatistic) => "mean, mode, median, variance, skewness or kurtosis",
        nameof(HistoryStatistic) => "impressions, likes, installs, like_rate or install_rate",
        _ => $"a value of type {typeName}",
    };

    /// <summary>Checks what the types can't: ranges, pair shapes, duplicates, label names.</summary>
    private static void Check(FeatureConfig c, string source)
    {
        void Fail(string path, string problem) => throw new FeatureConfigException($"{source}: {path}: {problem}", path);

        if (!float.IsFinite(c.MissingValue)) { Fail("$.missing_value", "must be a finite number"); }
        for (var i = 0; i < c.Drop.Count; i++)
        {
            if (Schema.KindOf(c.Drop[i]) is null) { Fail($"$.drop[{i}]", $"unknown column '{c.Drop[i]}' (expected f_0..f_79)"); }
        }
        foreach (var (name, value) in c.BaseValues.Values)
        {
            if (Schema.KindOf(name) != ColumnKind.Numeric) { Fail($"$.base_values.values.{name}", "not a numeric column (expected one of f_42..f_79)"); }
            if (!(value > 0) || !double.IsFinite(value)) { Fail($"$.base_values.values.{name}", $"base {value} must be a positive number"); }
        }
        if (c.DateMod.Modulus < 1) { Fail("$.date_mod.modulus", "must be at least 1"); }
        for (var i = 0; i < c.Crosses.Count; i++)
        {
            var pair = c.Crosses[i];
            if (pair.Count != 2) { Fail($"$.crosses[{i}]", $"has {pair.Count} entries (expected two categorical columns)"); }
            for (var j = 0; j < 2; j++)
            {
                if (!IsCategoricalInput(pair[j], c)) { Fail($"$.crosses[{i}][{j}]", $"'{pair[j]}' is not a categorical input (expected f_2..f_32{(c.DateMod.Enabled ? " or date_mod" : "")})"); }
            }
        }
        var pairs = c.GroupStatistics.Pairs;
        for (var i = 0; i < pairs.Count; i++)
        {
            if (pairs[i].Count != 2) { Fail($"$.group_statistics.pairs[{i}]", $"has {pairs[i].Count} entries (expected [categorical, numeric])"); }
            if (!IsCategoricalInput(pairs[i][0], c)) { Fail($"$.group_statistics.pairs[{i}][0]", $"'{pairs[i][0]}' is not a categorical input (expected f_2..f_32, date_mod or a cross)"); }
            if (Schema.KindOf(pairs[i][1]) is not (ColumnKind.Numeric or ColumnKind.Binary)) { Fail($"$.group_statistics.pairs[{i}][1]", $"'{pairs[i][1]}' is not a numeric column (expected f_33..f_79)"); }
        }
        if (c.GroupStatistics.Encoding == SeenEncoding.AsOf && c.GroupStatistics.Scope == StatisticsScope.Day)
        {
            Fail("$.group_statistics.encoding", "as_of needs scope train or train_and_test (scope day already reads only each row's own day)");
        }
        var te = c.TargetEncoding;
        for (var i = 0; i < te.Columns.Count; i++)
        {
            if (!IsCategoricalInput(te.Columns[i], c)) { Fail($"$.target_encoding.columns[{i}]", $"'{te.Columns[i]}' is not a categorical input (expected f_2..f_32, date_mod or a cross)"); }
        }
        for (var i = 0; i < te.Targets.Count; i++)
        {
            if (!Targets.IsKnown(te.Targets[i])) { Fail($"$.target_encoding.targets[{i}]", $"unknown target '{te.Targets[i]}' (expected is_installed, is_clicked, is_like or is_installed_given_like)"); }
        }
        if (te.MinCount < 0) { Fail("$.target_encoding.n_min", "must be 0 or more"); }
        if (te.Folds is < 2 or > FoldPlan.MaxFolds) { Fail("$.target_encoding.folds", $"{te.Folds} (expected 2 to {FoldPlan.MaxFolds})"); }
        if (te.Columns.Count > 0 && te.Statistics.Count == 0) { Fail("$.target_encoding.statistics", "is empty (expected at least one statistic)"); }
        if (te.Statistics.Distinct().Count() != te.Statistics.Count) { Fail("$.target_encoding.statistics", "lists a statistic twice"); }
        var h = c.History;
        for (var i = 0; i < h.Keys.Count; i++)
        {
            var columns = HistoryKeys.Columns(h.Keys[i]);
            for (var j = 0; j < columns.Length; j++)
            {
                if (Schema.KindOf(columns[j]) is not ColumnKind.Categorical)
                {
                    Fail($"$.history.keys[{i}]", $"'{columns[j]}' is not a categorical column (expected f_2..f_32, or several joined with '@' such as f_4@f_6)");
                }
            }
            if (columns.Distinct().Count() != columns.Length) { Fail($"$.history.keys[{i}]", "names a column twice"); }
        }
        if (h.Keys.Distinct().Count() != h.Keys.Count) { Fail("$.history.keys", "lists a key twice"); }
        for (var i = 0; i < h.Windows.Count; i++)
        {
            if (h.Windows[i] < 0) { Fail($"$.history.windows[{i}]", $"{h.Windows[i]} days (expected 1 or more, or 0 for every earlier day)"); }
        }
        if (h.Windows.Distinct().Count() != h.Windows.Count) { Fail("$.history.windows", "lists a window twice"); }
        if (h.Statistics.Distinct().Count() != h.Statistics.Count) { Fail("$.history.statistics", "lists a statistic twice"); }
        if (!(h.PriorRows > 0) || !double.IsFinite(h.PriorRows)) { Fail("$.history.prior_rows", $"{h.PriorRows} (expected a positive number)"); }
    }

    internal static bool IsCategoricalInput(string name, FeatureConfig c)
        => Schema.KindOf(name) is ColumnKind.Categorical
            || (name == DateModStep.OutputName && c.DateMod.Enabled)
            || c.Crosses.Any(p => p.Count == 2 && CrossStep.NameOf(p[0], p[1]) == name);
}
