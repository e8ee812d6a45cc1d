using System.Diagnostics;

namespace Cvr.Data.Synthetic;

/// <summary>
/// Writes synthetic data in the exact layout of the ShareChat RecSys Challenge 2023 files (docs/data-format.md),
/// with labels drawn from a stated generative story and the true probabilities written alongside (truth/).
/// </summary>
/// <remarks>
/// <para><b>The generative story</b> (docs/generator.md has the long form). A world is drawn once per seed: value
/// codes per categorical column, an ad catalog (f_6; about 2,750 live ads at day 45, 115 born each train day, 400 born
/// on the test day; exponential life spans of mean 24 days; lognormal popularity), each ad with its apps (f_4: one,
/// two or three, the first primary), attributes f_2, f_3, f_19..f_22 and its continuous block f_43, f_51, f_58, f_59,
/// f_64..f_70; a pool of 250,000 users whose columns (f_5, f_8, f_10, f_12..f_15, f_17, f_18, f_32) and activity are
/// hash functions of the user; and the effect tables below. Each impression on day d: pick a live ad by popularity
/// (on the test day 29.5% of rows go to ads born that day, never seen in train); use a secondary app with
/// probability 0.15; pick a user (heavy users more often); draw an hour f_11 from a weekday-dependent daily curve;
/// draw counts, each around its group's mean (f_42 around the mean of its f_2, f_54 of its f_4, f_74 of its f_13,
/// f_71 binomial with an hour-dependent rate) times the user's activity.</para>
/// <para>Then, with σ the logistic function, t = d − 56 and dm = d mod 7:</para>
/// <list type="bullet">
/// <item>like = σ(b_L + g·t + ad_L[f_6] + cross_L[f_6, f_4] + app_L[f_4] + hour_L[f_11] + dow_L[dm] + hw_L[dm, f_11]
/// + Σ user_L[c][f_c] + 0.15·(ln(1+f_42) − ln mean42[f_2]) + 0.25·(f_71 − mean71[f_11]))</item>
/// <item>install | like = σ(b_I + g·t + ad_I[f_6] + drift[f_6]·t/11 + cross_I[f_6, f_4] + app_I[f_4] + cat_I[f_2]
/// + fmt_I[f_3] + 0.2·z(ln f_64) + hw_I[dm, f_11] + u13[f_13] + u15[f_15] + u18[f_18]
/// + 0.15·(ln(1+f_54) − ln(1+mean54[f_4])) + 0.5·(ln(1+f_74) − ln(1+mean74[f_13])))</item>
/// <item>click | like, install = σ(b_C + click[f_6] + fmt_C[f_3]); a like that does not install is a click.</item>
/// </list>
/// <para>Labels: like ~ Bernoulli(p_like); installed ~ Bernoulli(p_install_given_like) if liked; clicked = liked and
/// (not installed or Bernoulli(p_click_given_install)). So p_installed = p_like · p_install_given_like and
/// p_clicked = p_like · (1 − p_i + p_i · p_c). Every term is a function of the row's visible features, so
/// p_installed is the true probability given the features. The intercepts are solved so that the train rates are
/// like 32.27%, install 17.40%, click given install 40.9% (data-format.md's joint table). A duplicate replays the
/// shard's latest row of the same day (features and mostly labels; labels redrawn with probability 0.19), at the
/// rates of the paper's Table 3.</para>
/// </remarks>
public static partial class SyntheticData
{
    /// <summary>Bumped whenever the same seed would give different files.</summary>
    public const string GeneratorVersion = "1.0.0";

    /// <summary>
    /// Generates train, test and truth files under <paramref name="outDir"/>. Writes into a temporary sibling folder
    /// and renames it at the end: on failure or cancellation nothing is left behind. <paramref name="progress"/> is
    /// called from worker threads, every 8,192 rows of a file.
    /// </summary>
    /// <exception cref="ConfigurationException">Invalid options or output path.</exception>
    /// <exception cref="IOException"><paramref name="outDir"/> exists and is not empty, and Overwrite is not set.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public static GenerationSummary Generate(
        string outDir, GeneratorOptions options, IProgress<GenerationProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(outDir)) throw new ConfigurationException("out", "must name a folder.");
        options.Validate();
        var clock = Stopwatch.StartNew();
        string target = Path.GetFullPath(outDir).TrimEnd(Path.DirectorySeparatorChar);
        EnsureWritableTarget(target, options.Overwrite);

        var plan = new GenerationPlan(options);
        var world = new World(options.Seed, new StoryParameters());
        string temp = CreateTempSibling(target);
        try
        {
            long bytes = WriteAll(temp, plan, world, progress, ct);
            bytes += StoryJson.Write(Path.Combine(temp, TruthFolder, "story.json"), world, options, plan);
            ct.ThrowIfCancellationRequested();
            MoveIntoPlace(temp, target, options.Overwrite);
            return Summarize(target, plan, bytes, clock.Elapsed);
        }
        catch
        {
            IO.AtomicFolder.TryDelete(temp);
            throw;
        }
    }

    private static GenerationSummary Summarize(string target, GenerationPlan plan, long bytes, TimeSpan elapsed) => new(
        target,
        plan.TrainRows,
        plan.TestRows,
        plan.TrainRowsPerDay,
        Enumerable.Range(0, plan.Shards).Select(s => Path.Combine(target, TrainFolder, ShardName(s))).ToArray(),
        Path.Combine(target, TestFolder, ShardName(0)),
        Path.Combine(target, TruthFolder),
        bytes,
        elapsed);
}
