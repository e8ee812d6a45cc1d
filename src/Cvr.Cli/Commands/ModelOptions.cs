using System.CommandLine;
using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;

namespace Cvr.Cli.Commands;

/// <summary>Options shared by train and run, and their translation into <see cref="TrainingOptions"/>.</summary>
internal static class ModelOptions
{
    public static readonly Option<string> DataOption = new("--data")
    {
        Description = "Data set folder in the challenge layout: train/ (and test/) holding TAB-separated shards.",
        Required = true,
    };

    public static readonly Option<Preset> PresetOption = new("--preset")
    {
        Description = "Settings: fast (learning rate 0.1, early stopping 50, the paper's features plus time-aware history, selected by importance from 250,000 training rows) or paper (0.01, up to 20,000 rounds, stopping 500, the paper's features, every one).",
        DefaultValueFactory = _ => Preset.Fast,
    };

    public static readonly Option<string?> ConfigOption = new("--config") { Description = "Feature config JSON (docs/features.md); default: the paper's features plus time-aware history (the paper preset: the paper's features)." };

    public static readonly Option<string?> ParamsOption = new("--params")
    {
        Description = "LightGBM parameters JSON: {\"num_leaves\": 63} for every model, or per model {\"all\": {...}, \"e2e\": {...}, \"like\": {...}, \"install\": {...}} (what cvr tune writes).",
    };

    public static readonly Option<int?> ValidationDayOption = new("--validation-day") { Description = "Day to early-stop and calibrate on (default: the last labelled day)." };

    public static readonly Option<bool> RefitOption = new("--refit") { Description = "After validation, retrain on every labelled day with the chosen iteration counts." };

    public static readonly Option<bool> ClickModelOption = new("--click-model") { Description = "Also train a click model; its probability fills the submission's is_clicked column (0 otherwise)." };

    public static readonly Option<bool> FitWeightOption = new("--fit-ensemble-weight") { Description = "Fit the ensemble weight on the validation day instead of 0.5/0.5." };

    public static readonly Option<bool> WeightValidationOption = new("--weight-validation-new-ads")
    {
        Description = "Weight the validation day's rows so its new-ad rows (ads no training day has) have their share among the rows to score (ads no labelled day has), for early stopping, ω and a fitted ensemble weight; needs a test split.",
    };

    public static readonly Option<StageOneLabel> StageOneOption = new("--stage-one-label")
    {
        Description = "Label of Model_ts's first stage: Like (clicked OR installed, the paper) or Installed (the authors' script).",
        DefaultValueFactory = _ => StageOneLabel.Like,
    };

    public static readonly Option<double?> SelectFeaturesOption = new("--select-features")
    {
        Description = "Keep only the features carrying this share of two probe models' gain (default 0.99 in the fast preset from 250,000 training rows, every feature below that and in paper; 0: every feature); the list goes into the bundle.",
    };

    public static readonly Option<int?> TreeRowsOption = new("--tree-rows")
    {
        Description = "Grow each tree on at most this many training rows (bagging, resampled every round) when a model has more (default 1,000,000 in the fast preset, every row in paper; 0: every row).",
    };

    public static readonly Option<bool> NoBaselineOption = new("--no-baseline") { Description = "Skip the raw-columns baseline model (a reference line of the results)." };

    public static readonly Option<bool> BaselineOption = new("--baseline") { Description = "Also train the raw-columns baseline model (off in train: it serves only as a reference)." };

    public static readonly Option<int> SeedOption = new("--seed") { Description = "Seed for LightGBM, the target-encoding folds and (in cvr tune) the sampler.", DefaultValueFactory = _ => 42 };

    public static readonly Option<int?> ThreadsOption = new("--threads") { Description = "LightGBM threads (default: all cores)." };

    public static readonly Option<int?> MaxRoundsOption = new("--max-rounds") { Description = "Override the preset's round limit." };

    public static readonly Option<int?> EarlyStoppingOption = new("--early-stopping") { Description = "Override the preset's early-stopping patience (rounds)." };

    public static readonly Option<bool> MmoeOption = new("--mmoe")
    {
        Description = "Add the multi-task deep model (MMOE over CTR, CVR and CTCVR; TorchSharp) as a third ensemble member; the three weights are fitted on the validation day. Its hyperparameters: the \"mmoe\" section of --params.",
    };

    public static readonly Option<bool> JsonOption = new("--json") { Description = "Print the results as JSON on stdout (for machines)." };

    public static IEnumerable<Option> TrainingOptionsList =>
    [
        PresetOption, ConfigOption, ParamsOption, ValidationDayOption, RefitOption, ClickModelOption, FitWeightOption,
        WeightValidationOption, StageOneOption, SelectFeaturesOption, TreeRowsOption, SeedOption, ThreadsOption, MaxRoundsOption, EarlyStoppingOption, MmoeOption,
    ];

    private static bool Baseline(ParseResult parse, bool byDefault)
    {
        var (on, off) = (parse.GetValue(BaselineOption), parse.GetValue(NoBaselineOption));
        if (on && off)
        {
            throw new ConfigurationException("--baseline and --no-baseline contradict each other");
        }
        return on || (byDefault && !off);
    }

    /// <param name="baselineByDefault">run's default (the baseline is its reference line, --no-baseline skips it);
    /// train leaves it out unless --baseline.</param>
    public static TrainingOptions Read(ParseResult parse, bool baselineByDefault = false)
    {
        // Without a config file the preset decides: the paper's preset is the paper's features.
        var config = parse.GetValue(ConfigOption) is { } configFile ? FeatureConfigLoader.Load(configFile)
            : parse.GetValue(PresetOption) == Preset.Paper ? FeatureConfig.Paper : FeatureConfig.Default;
        var seed = parse.GetValue(SeedOption);
        return new TrainingOptions
        {
            Preset = parse.GetValue(PresetOption),
            ValidationDay = parse.GetValue(ValidationDayOption),
            Refit = parse.GetValue(RefitOption),
            ClickModel = parse.GetValue(ClickModelOption),
            FitEnsembleWeight = parse.GetValue(FitWeightOption),
            WeightValidationNewAds = parse.GetValue(WeightValidationOption),
            StageOneLabel = parse.GetValue(StageOneOption),
            Baseline = Baseline(parse, baselineByDefault),
            SelectFeatures = parse.GetValue(SelectFeaturesOption),
            TreeRows = parse.GetValue(TreeRowsOption),
            Seed = seed,
            Members = parse.GetValue(MmoeOption) ? [Deep.MmoeKind.KindName] : [],
            Threads = parse.GetValue(ThreadsOption),
            MaxRounds = parse.GetValue(MaxRoundsOption),
            EarlyStoppingRounds = parse.GetValue(EarlyStoppingOption),
            Features = config with { TargetEncoding = config.TargetEncoding with { Seed = (ulong)seed } },
            Parameters = parse.GetValue(ParamsOption) is { } paramsFile ? ParametersFile.Read(paramsFile) : new Dictionary<string, IReadOnlyDictionary<string, string>>(),
            ParametersSource = parse.GetValue(ParamsOption),
        };
    }
}
