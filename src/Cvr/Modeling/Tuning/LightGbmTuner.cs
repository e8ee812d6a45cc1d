using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging;

using Cvr.Tuning;

namespace Cvr.Modeling.Tuning;

/// <summary>
/// <c>cvr tune</c>'s work: TPE (or random) search over <see cref="SearchSpaces"/> for e2e, like and install, each
/// trial scored by the model's validation-day binary_logloss at its early-stopped best iteration, exactly as
/// <see cref="TwoStageTrainer"/> would train it; or over an ensemble member kind's own space, each trial scored by
/// the validation day's install logloss of the member its kind trains. Writes the best parameters as a
/// <c>--params</c> file.
/// </summary>
/// <remarks>
/// Pruning compares a trial's best logloss so far with the median of the complete trials at the same iteration.
/// That favours fast learners early on, so a low learning rate looks bad for a while; the default warm-up (the
/// early-stopping patience) gives slow trials that long before they can be pruned.
/// Each study is saved after every trial state change; rerunning the same command resumes it and runs only the
/// trials still missing (complete and pruned ones count; failed or interrupted ones do not).
/// </remarks>
public static partial class LightGbmTuner
{
    internal const string SetupAttribute = "setup";
    internal const string BestIterationAttribute = "best_iteration";

    /// <param name="kinds">The ensemble member kinds <c>--model</c> may name (and the base options' members need); none when null.</param>
    public static TuneReport Run(string dataDir, TuneOptions tune, TrainingOptions training, DataSetOptions dataOptions, ILogger logger, CancellationToken ct,
        EnsembleMemberKinds? kinds = null)
    {
        kinds ??= EnsembleMemberKinds.Empty;
        Validate(tune, training, kinds);
        var clock = Stopwatch.StartNew();
        // Open (and so check) every study before the data is read: a bad study file fails in seconds.
        var studies = tune.Models.ToDictionary(m => m, m => OpenStudy(tune, training, m), StringComparer.Ordinal);
        var set = DataSet.Load(dataDir, dataOptions, logger);
        var setup = Setup(set.Train, training, tune.Models.Where(m => kinds.TryGet(m, out _)).Select(kinds.Get));
        foreach (var study in studies.Values) { CheckSetup(study, setup); }
        // The trainer's prologue (options, threads, days, feature selection), so trials see the features cvr train would.
        var timer = new PhaseTimer();
        var plan = TrainingPlan.Make(set.Train, set.Test, training, "tuning", logger, timer, ct, kinds);
        // The float matrix stays so that each max_bin a trial samples can be binned without refitting the features;
        // a member's trials read the training rows as cvr train does for members, from the kept training features.
        using var inputs = plan.Inputs(set.Train, set.Test, plan.Split, logger, timer,
            retainTrainingMatrix: tune.Models.Any(m => !kinds.TryGet(m, out _)), keepTrainingFeatures: tune.Models.Any(m => kinds.TryGet(m, out _)));
        var results = new List<ModelTuneResult>();
        var timedOut = false;
        var maxBin = training.ParametersFor(ModelNames.EndToEnd).MaxBin;
        foreach (var model in tune.Models)
        {
            var study = studies[model];
            var run = RunStudy(study, model, maxBin, set.Train, inputs, tune, training, kinds, setup, clock, logger, ct);
            timedOut |= run.TimedOut;
            var result = Summarise(study, model, run.Count, kinds);
            results.Add(result);
            if (model == ModelNames.EndToEnd && study.BestTrial?.Params.GetValueOrDefault(SearchSpaces.MaxBin) is { } tunedBins)
            {
                // The best trial's own value (a choice of whole numbers), not its text in the written file: like and
                // install share e2e's bins in cvr train, so they are tuned on them too.
                maxBin = Convert.ToInt32(tunedBins.Value, CultureInfo.InvariantCulture);
            }
        }
        var written = TunedParametersFile.Write(tune.OutFile, training.Parameters, results, logger, kinds);
        return new TuneReport(written ? tune.OutFile : null, timedOut, results);
    }

    private static void Validate(TuneOptions tune, TrainingOptions training, EnsembleMemberKinds kinds)
    {
        if (tune.Model != "all" && !kinds.TryGet(tune.Model, out _) && !SearchSpaces.Models.Contains(tune.Model))
        {
            throw new ConfigurationException($"cannot tune model '{tune.Model}' (expected {SearchSpaces.Expected(kinds)})");
        }
        Require(tune.Trials > 0, $"--trials must be at least 1, not {tune.Trials}");
        Require(tune.PruneStartupTrials >= 0, $"--prune-startup must not be negative, not {tune.PruneStartupTrials}");
        Require(tune.PruneWarmupSteps is not < 0, $"--prune-warmup must not be negative, not {tune.PruneWarmupSteps}");
        Require(tune.Timeout is not { } timeout || timeout > TimeSpan.Zero, $"--timeout must be a positive number of seconds, not {tune.Timeout?.TotalSeconds}");
        training.Validate(kinds); // bad base parameters fail before any work
    }

    private static void Require(bool condition, string message)
    {
        if (!condition) { throw new ConfigurationException(message); }
    }

    private static Study OpenStudy(TuneOptions tune, TrainingOptions training, string model)
    {
        var seed = unchecked((ulong)training.Seed);
        var options = new StudyOptions
        {
            Name = $"cvr-tune-{model}",
            Direction = StudyDirection.Minimize,
            Sampler = tune.Sampler == SamplerKind.Random ? new RandomSampler(seed) : new TpeSampler(seed),
            Pruner = tune.Prune
                ? new MedianPruner(tune.PruneStartupTrials, tune.PruneWarmupSteps ?? training.Patience)
                : new NopPruner(),
        };
        var path = tune.StudyPath(model);
        Study study;
        try
        {
            study = Study.Open(path, options);
        }
        catch (InvalidOperationException e)
        {
            throw new ConfigurationException(e.Message, e); // another sampler or seed: a usage error, not a bug
        }
        catch (StudyFileException e)
        {
            throw DataError.File(e.Path, e.Problem); // the tuning library references nothing: its fault becomes cvr's here
        }
        return study;
    }

    private static void CheckSetup(Study study, string setup)
    {
        var foreign = study.Trials.FirstOrDefault(t =>
            t.UserAttributes.TryGetValue(SetupAttribute, out var saved) && saved.ValueKind == JsonValueKind.String && saved.GetString() != setup);
        if (foreign is not null)
        {
            throw new ConfigurationException(
                $"{study.StoragePath}: trial {foreign.Number} was run on other data or training settings; delete the study or choose another --out to start afresh");
        }
    }

    /// <summary>Runs the missing trials of one study, one log line each, until done, timed out or cancelled.</summary>
    private static (int Count, bool TimedOut) RunStudy(
        Study study, string model, int? maxBin, Frame train, ModelInputs inputs, TuneOptions tune, TrainingOptions training,
        EnsembleMemberKinds kinds, string setup, Stopwatch clock, ILogger logger, CancellationToken ct)
    {
        var space = SearchSpaces.For(model, kinds);
        kinds.TryGet(model, out var member);
        var counted = study.Trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned);
        var missing = Math.Max(0, tune.Trials - counted);
        logger.LogInformation("{Model}: study {Path} holds {Counted} finished trials; running {Missing} more{Bins}",
            model, study.StoragePath, counted, missing, model == ModelNames.EndToEnd || maxBin is null ? "" : $" (max_bin {maxBin}, from e2e)");
        for (var i = 0; i < missing; i++)
        {
            if (tune.Timeout is { } limit && clock.Elapsed >= limit)
            {
                logger.LogInformation("{Model}: timeout of {Seconds:F0} s reached; {Done} of {Missing} trials run", model, limit.TotalSeconds, i, missing);
                return (i, true);
            }
            var start = clock.Elapsed;
            study.Optimize(trial => member is not null
                ? MemberObjective(trial, space, member, train, inputs, training, setup, ct)
                : Objective(trial, space, model, maxBin, inputs, training, setup, ct), 1, ct);
            LogTrial(logger, model, study, clock.Elapsed - start);
        }
        return (missing, false);
    }

    private static void LogTrial(ILogger logger, string model, Study study, TimeSpan elapsed)
    {
        var trial = study.Trials[^1];
        var best = study.BestTrial;
        var inv = CultureInfo.InvariantCulture;
        var outcome = trial.State switch
        {
            TrialState.Complete => string.Create(inv, $"{trial.Value:F6} at iteration {Iteration(trial)}"),
            TrialState.Pruned => string.Create(inv, $"after iteration {(trial.LastStep ?? -1) + 1}"),
            _ => trial.FailReason ?? "",
        };
        var bestText = best is null ? "none yet" : string.Create(inv, $"{best.Value:F6} (trial {best.Number})");
        var parameters = string.Join(' ', trial.Params.Select(p => $"{p.Key}={SearchSpaces.Format(p.Value.Value, digits: 4)}"));
        logger.LogInformation("{Model} trial {Number} {State} {Outcome} in {Seconds:F1} s; best {Best}; {Parameters}",
            model, trial.Number, trial.State.ToString().ToLowerInvariant(), outcome, elapsed.TotalSeconds, bestText, parameters);
    }

    private static ModelTuneResult Summarise(Study study, string model, int run, EnsembleMemberKinds kinds)
    {
        var best = study.BestTrial;
        int Count(TrialState state) => study.Trials.Count(t => t.State == state);
        var values = best?.Params.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);
        var parameters = values is null ? null
            : kinds.TryGet(model, out var member) ? member.ToParameters(values) : SearchSpaces.ToLightGbm(values);
        return new ModelTuneResult(model, study.StoragePath!, run, Count(TrialState.Complete), Count(TrialState.Pruned), Count(TrialState.Failed),
            best?.Number, best?.Value, best is null ? null : Iteration(best), parameters);
    }

    internal static int? Iteration(TrialRecord trial) =>
        trial.UserAttributes.TryGetValue(BestIterationAttribute, out var value) && value.TryGetInt32(out var iteration) ? iteration : null;

    /// <summary>
    /// What makes trial values comparable: the data's content, every training setting but the thread count, and the
    /// effective options of the member kinds tuned (their defaults live in the kind, not in the training options).
    /// A study resumed with anything else would mix incomparable losses, so <see cref="CheckSetup"/> refuses it.
    /// </summary>
    private static string Setup(Frame train, TrainingOptions training, IEnumerable<IEnsembleMemberKind> members)
    {
        var settings = JsonSerializer.Serialize(training with { Threads = null }, ModelBundle.Json)
            + string.Concat(members.Select(kind => $"\n{kind.Name}: {training.MemberOptions(kind).GetRawText()}"));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(ModelBundle.Fingerprint(train) + "\n" + settings));
        return Convert.ToHexStringLower(hash)[..16];
    }
}
