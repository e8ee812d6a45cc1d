namespace Cvr.Data.Synthetic;

/// <summary>
/// The knobs of the generative story (see the doc comment on <see cref="SyntheticData"/> and docs/generator.md).
/// Effect sizes are standard deviations on the logit scale. The intercepts are not knobs: <see cref="World"/>
/// solves them so that the train rates match data-format.md. All values are written to truth/story.json.
/// </summary>
internal sealed record StoryParameters
{
    // Ads and apps (f_6 ad id, f_4 its app; f_2, f_3 ad category and format).
    public double AdLikeSd { get; init; } = 0.85;
    public double AdInstallSd { get; init; } = 1.0;
    public double AdCategoryInstallSd { get; init; } = 0.25;   // by f_2
    public double AdFormatInstallSd { get; init; } = 0.15;     // by f_3
    public double AdF64InstallSlope { get; init; } = 0.2;      // per sd of log f_64: lets models score unseen ads
    public double AppLikeSd { get; init; } = 0.3;
    public double AppInstallSd { get; init; } = 0.7;
    public double CrossSd { get; init; } = 0.6;                // f_4 × f_6: an ad shown under a secondary app
    public double AdDriftSd { get; init; } = 0.15;             // per-ad install trend over 11 days

    // Time (f_11 hour, date_mod = f_1 % 7).
    public double HourLikeSd { get; init; } = 0.15;
    public double WeekdayLikeSd { get; init; } = 0.1;
    public double HourWeekdayLikeSd { get; init; } = 0.15;
    public double HourWeekdayInstallSd { get; init; } = 0.12;
    public double GlobalDriftPerDay { get; init; } = -0.004;  // slow decline of both logits over days

    // User columns.
    public double UserLikeSd { get; init; } = 0.15;            // per user column f_5, f_8, f_10, f_12, f_14, f_17, f_32
    public double F13InstallSd { get; init; } = 0.55;
    public double F15InstallSd { get; init; } = 0.5;
    public double F18InstallSd { get; init; } = 0.2;

    // Counts relative to their group's mean (the paper's group statistics exploit these).
    public double F42LikeSlope { get; init; } = 0.15;          // per log unit of f_42 / mean of its f_2 group
    public double F54InstallSlope { get; init; } = 0.15;       // per log unit of f_54 / mean of its f_4 group
    public double F74InstallSlope { get; init; } = 0.5;       // per log unit of f_74 / mean of its f_13 group
    public double F71LikeSlope { get; init; } = 0.25;          // per unit of f_71 − mean of its f_11 hour

    // Click given like and install (clicked is 1 when a like does not install).
    public double ClickAdSd { get; init; } = 0.5;

    // Population.
    public int UserCount { get; init; } = 250_000;
    public double UserSkewPower { get; init; } = 3.0;          // user = floor(U · u^power): heavy users
    public double UserActivitySd { get; init; } = 0.8;
    public double AdWeightSd { get; init; } = 1.2;
    public int AdsAtStart { get; init; } = 2_750;
    public int AdsBornPerTrainDay { get; init; } = 115;
    public int AdsBornOnTestDay { get; init; } = 400;
    public double AdMeanLifetimeDays { get; init; } = 24;
    public double SecondaryAppShare { get; init; } = 0.15;     // rows of a multi-app ad shown under a secondary f_4

    // Duplicates: a row replays the shard's latest row of the same day; labels are redrawn with this probability.
    public double ReplayRelabelProbability { get; init; } = 0.19;
}
