using System.Text.Json;
using System.Text.Json.Serialization;
using Cvr.Features;
using Cvr.LightGbm;

namespace Cvr.Modeling;

/// <summary>LightGBM settings of the paper's code (learning rate 0.01, 20,000 rounds, stopping 500) or a faster default.</summary>
public enum Preset
{
    /// <summary>Default, chosen for time to quality (bench/results/time-to-quality.md): learning rate 0.1, early
    /// stopping after 50 rounds without improvement, features selected by importance (99 % of the gain, from 250,000 training rows).</summary>
    [JsonStringEnumMemberName("fast")] Fast,
    /// <summary>The authors' settings: learning rate 0.01, up to 20,000 rounds, early stopping 500.</summary>
    [JsonStringEnumMemberName("paper")] Paper,
}

/// <summary>The label Model_ts's first stage learns.</summary>
public enum StageOneLabel
{
    /// <summary>The paper's intent: is_like = clicked OR installed.</summary>
    [JsonStringEnumMemberName("is_like")] Like,
    /// <summary>What the authors' script did by mistake: is_installed.</summary>
    [JsonStringEnumMemberName("is_installed")] Installed,
}

/// <summary>The models a bundle can hold, by the names used in files, parameters and reports.</summary>
public static class ModelNames
{
    public const string EndToEnd = "e2e";
    public const string Like = "like";
    public const string Install = "install";
    public const string Click = "click";
    public const string Baseline = "baseline";

    public static readonly string[] Trainable = [EndToEnd, Like, Install, Click, Baseline];
}

/// <summary>Everything <see cref="TwoStageTrainer"/> needs besides the data.</summary>
public sealed record TrainingOptions
{
    [JsonPropertyName("preset")] public Preset Preset { get; init; } = Preset.Fast;

    /// <summary>The day models are early-stopped and calibrated on; null: the last labelled day.</summary>
    [JsonPropertyName("validation_day")] public int? ValidationDay { get; init; }

    /// <summary>Retrain on all labelled days with the iteration counts chosen on the validation day (the top teams' habit).</summary>
    [JsonPropertyName("refit")] public bool Refit { get; init; }

    /// <summary>Also train a click model, whose probability fills the submission's is_clicked column.</summary>
    [JsonPropertyName("click_model")] public bool ClickModel { get; init; }

    /// <summary>Fit the ensemble weight on the validation day instead of the paper's 0.5/0.5.</summary>
    [JsonPropertyName("fit_ensemble_weight")] public bool FitEnsembleWeight { get; init; }

    /// <summary>Weight the validation day's rows so its new-ad rows have the share they have among the rows to be
    /// scored (<see cref="NewAdWeighting"/>), for early stopping, the validation logloss, ω and a fitted ensemble
    /// weight. Left out of the bundle's options when off, so bundles trained without it are the bytes they were.</summary>
    [JsonPropertyName("weight_validation_new_ads")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool WeightValidationNewAds { get; init; }

    [JsonPropertyName("stage_one_label")] public StageOneLabel StageOneLabel { get; init; } = StageOneLabel.Like;

    /// <summary>Train the raw-columns baseline beside the paper's models, for the results table.</summary>
    [JsonPropertyName("baseline")] public bool Baseline { get; init; } = true;

    [JsonPropertyName("seed")] public int Seed { get; init; } = 42;

    /// <summary>Ensemble members beside Model_ts and Model_e2e, by kind name (<see cref="EnsembleMemberKinds"/>).
    /// A member's options are its kind's section of <see cref="Parameters"/>, keyed by the kind's name; the member
    /// records its effective options in its own bundle files.</summary>
    [JsonPropertyName("members")] public IReadOnlyList<string> Members { get; init; } = [];

    /// <summary>Threads for LightGBM, the features and libtorch; null: all cores. Results don't depend on it, so the
    /// bundle doesn't record it: a bundle is byte-identical at 1 and 2 threads, with rows per tree bagging or without
    /// (ModelInputsTests); a member says in its own docs whether it holds (Cvr.Deep's does on the CPU).</summary>
    [JsonIgnore] public int? Threads { get; init; }

    /// <summary>The features' degree of parallelism, from <see cref="Threads"/>.</summary>
    [JsonIgnore] public ParallelOptions Parallel => new() { MaxDegreeOfParallelism = Threads ?? -1 };

    /// <summary>This process's share of a data-parallel job (<see cref="RankPartition"/>); null: a single machine.
    /// Not recorded in the bundle: the models are the job's, whichever rank wrote them.</summary>
    [JsonIgnore] public RankPartition? Partition { get; init; }

    /// <summary>Where the ranks of a data-parallel job exchange their partial feature states (the shared folder), so that
    /// each rank fits the features on its own training rows; null on a single machine.</summary>
    [JsonIgnore] internal RankPartials? FeaturePartials { get; init; }

    /// <summary>Overrides of the preset's round limit and early-stopping patience (tests use small ones).</summary>
    [JsonPropertyName("max_rounds")] public int? MaxRounds { get; init; }

    [JsonPropertyName("early_stopping")] public int? EarlyStoppingRounds { get; init; }

    [JsonPropertyName("features")] public FeatureConfig Features { get; init; } = FeatureConfig.Default;

    /// <summary>
    /// Keep only the features that carry this share of the gain of two probe models (e2e and like, trained briefly
    /// on every feature of the training days); 0: keep every feature; null: the preset's choice
    /// (<see cref="FeatureSelectionShare"/>). Ignored when the feature config already has a
    /// <see cref="FeatureConfig.Keep"/> list.
    /// </summary>
    [JsonPropertyName("select_features")] public double? SelectFeatures { get; init; }

    /// <summary>
    /// Bag this many training rows per tree when a model has more (bagging_fraction = tree rows ÷ the model's
    /// training rows, bagging_freq 1), so a round's cost stops growing with the data; 0: every row; null: the
    /// preset's (<see cref="TreeRowsLimit"/>). Parameters that set bagging themselves win.
    /// </summary>
    [JsonPropertyName("tree_rows")] public int? TreeRows { get; init; }

    /// <summary>LightGBM parameters by model name (e2e, like, install, click, baseline) or "all", overriding the
    /// preset; and an ensemble member kind's options by its name (<see cref="IEnsembleMemberKind.Options"/>).</summary>
    [JsonPropertyName("parameters")] public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Parameters { get; init; }
        = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    [JsonIgnore] public double LearningRate => Preset == Preset.Paper ? 0.01 : 0.1;

    [JsonIgnore] public int Rounds => MaxRounds ?? (Preset == Preset.Paper ? 20_000 : 5_000);

    [JsonIgnore] public int Patience => EarlyStoppingRounds ?? (Preset == Preset.Paper ? 500 : 50);

    /// <summary>The share of the probe models' gain the kept features carry (<see cref="FeatureSelection"/>), or
    /// null for every feature: <see cref="SelectFeatures"/> when given (0 turns selection off), else the preset's
    /// (fast 0.99; paper none, as the authors kept every feature).</summary>
    [JsonIgnore] public double? FeatureSelectionShare => SelectFeatures is { } share
        ? (share == 0 ? null : share)
        : Preset == Preset.Paper ? null : 0.99;

    /// <summary>The rows a tree is grown on at most (<see cref="TreeRows"/>), or null for every row: by default 1M
    /// in the fast preset (so it acts only above ~1M training rows, scale ≈ 0.3 of the challenge's data) and every row
    /// in the paper's.</summary>
    [JsonIgnore] public int? TreeRowsLimit => TreeRows is { } rows ? (rows == 0 ? null : rows)
        : Preset == Preset.Paper ? null : DefaultTreeRows;

    /// <summary>The fast preset's rows per tree, chosen at scale 1.0 (bench/results/time-to-quality.md).</summary>
    public const int DefaultTreeRows = 1_000_000;

    /// <summary>
    /// <paramref name="parameters"/> for a model trained on <paramref name="rows"/> rows: with bagging of
    /// <see cref="TreeRowsLimit"/> rows per tree when there are more and the parameters set no bagging of their own.
    /// </summary>
    public LightGbmParameters ForRows(LightGbmParameters parameters, int rows)
        => TreeRowsLimit is { } limit && rows > limit && parameters.BaggingFraction is null && parameters.BaggingFrequency is null
            ? parameters with { BaggingFraction = (double)limit / rows, BaggingFrequency = 1 }
            : parameters;

    /// <summary>Where <see cref="Parameters"/> came from (a --params file), for error messages.</summary>
    [JsonIgnore] public string? ParametersSource { get; init; }

    /// <summary>
    /// The LightGBM parameters of one model: the paper's (binary objective, 31 leaves, feature_fraction 0.8; the
    /// authors' bagging_fraction had no effect without bagging_freq and is left out), the preset's learning rate,
    /// then the user's overrides, "all" before the model's own. Aliases are resolved, so an override replaces
    /// the default it names. Datasets keep unsplittable features (feature_pre_filter off), so a tuner's trial with
    /// any min_data_in_leaf trains on the same bins as <c>cvr train</c>.
    /// </summary>
    /// <exception cref="ConfigurationException">An override LightGBM doesn't know or a typed value that doesn't parse.</exception>
    public LightGbmParameters ParametersFor(string model)
    {
        var parameters = new LightGbmParameters
        {
            Objective = "binary",
            Metrics = [Metric],
            NumLeaves = 31,
            FeatureFraction = 0.8,
            LearningRate = LearningRate,
            Seed = Seed,
            Deterministic = true,
            ForceColWise = true,
            Verbosity = -1,
            FeaturePreFilter = false,
        };
        foreach (var scope in new[] { "all", model })
        {
            if (Parameters.TryGetValue(scope, out var overrides))
            {
                try
                {
                    parameters = parameters.WithOverrides(overrides);
                }
                catch (ArgumentException e)
                {
                    throw new ConfigurationException($"{Where(scope)}{Plain(e)}", e);
                }
            }
        }
        return parameters;
    }

    /// <summary>The metric every model is early-stopped, tuned and reported on.</summary>
    public const string Metric = "binary_logloss";

    /// <summary>
    /// The one check of the user's parameters: every section names a model or a member kind of
    /// <paramref name="kinds"/>, every name is LightGBM's and LightGBM accepts every value
    /// (<see cref="LightGbmParameters.Validate"/>), every member is a kind of <paramref name="kinds"/> and each
    /// kind accepts its section (<see cref="IEnsembleMemberKind.Options"/>), before any data is read.
    /// An instance is checked once for the same kinds, however many entry points ask (a command before it reads the
    /// data, the <see cref="TrainingPlan"/>, a rank before its network opens): the check builds a native booster per
    /// model, and options can't change once made (a <c>with</c> copy is a new instance, checked anew).
    /// </summary>
    /// <param name="kinds">The member kinds this program knows; none when null.</param>
    /// <exception cref="ConfigurationException">Names the --params file, the section and LightGBM's (or the kind's) complaint.</exception>
    public void Validate(EnsembleMemberKinds? kinds = null)
    {
        kinds ??= EnsembleMemberKinds.Empty;
        if (s_validated.TryGetValue(this, out var passedWith) && ReferenceEquals(passedWith, kinds)) { return; }
        Check(kinds);
        s_validated.AddOrUpdate(this, kinds);
    }

    /// <summary>Instances that passed <see cref="Validate"/>, by reference, with the kinds they passed with (the
    /// table keeps neither alive).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TrainingOptions, EnsembleMemberKinds> s_validated = new();

    /// <summary>How many full checks this thread ran (tests: an instance is checked once).</summary>
    [ThreadStatic] internal static int t_checksRun;

    private void Check(EnsembleMemberKinds kinds)
    {
        t_checksRun++;
        ValidateMembers(kinds);
        if (SelectFeatures is { } share && share is not (>= 0 and <= 1))
        {
            throw new ConfigurationException("select_features", $"must be a share of the probe models' gain in (0, 1], or 0 for every feature, not {share.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        }
        if (TreeRows is < 0)
        {
            throw new ConfigurationException("tree_rows", $"must be a number of rows, or 0 for every row, not {TreeRows}");
        }
        foreach (var key in Parameters.Keys)
        {
            if (key != "all" && !ModelNames.Trainable.Contains(key) && !kinds.TryGet(key, out _))
            {
                throw new ConfigurationException(
                    $"{Source}LightGBM parameters given for unknown model '{key}' (expected {string.Join(", ", ["all", .. ModelNames.Trainable, .. kinds.Names])})");
            }
        }
        foreach (var model in ModelNames.Trainable)
        {
            var parameters = ParametersFor(model);
            try
            {
                parameters.Validate();
            }
            catch (LightGbmException e)
            {
                throw new ConfigurationException($"{Where(model)}LightGBM refuses the parameters: {e.NativeMessage}", e);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new ConfigurationException($"{Where(model)}{Plain(e)}", e);
            }
        }
    }

    /// <summary>Every member is a known kind, given once; every kind named as a member or by a --params section
    /// accepts its section.</summary>
    private void ValidateMembers(EnsembleMemberKinds kinds)
    {
        foreach (var (name, i) in Members.Select((m, i) => (m, i)))
        {
            kinds.Get(name);
            if (Members.Take(i).Contains(name))
            {
                throw new ConfigurationException($"ensemble member '{name}' given twice");
            }
        }
        foreach (var name in kinds.Names.Where(n => Members.Contains(n) || Parameters.ContainsKey(n)))
        {
            MemberOptions(kinds.Get(name));
        }
    }

    /// <summary>The effective options of <paramref name="kind"/>: its defaults with its section of <see cref="Parameters"/>.</summary>
    /// <exception cref="ConfigurationException">The kind refuses its section.</exception>
    public JsonElement MemberOptions(IEnsembleMemberKind kind) => kind.Options(Parameters.GetValueOrDefault(kind.Name), ParametersSource);

    /// <summary>The message without the " (Parameter 'key')" that <see cref="ArgumentException"/> appends: the
    /// user named no C# parameter.</summary>
    private static string Plain(Exception e)
        => e is ArgumentException { ParamName: { } name } ? e.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal) : e.Message;

    private string Source => ParametersSource is null ? "" : $"{ParametersSource}: ";

    private string Where(string scope) => $"{Source}{(Parameters.ContainsKey(scope) ? $"parameters of '{scope}'" : "parameters")}: ";
}
