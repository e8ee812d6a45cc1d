using Cvr.Data;
using Cvr.Features;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>
/// The paper's Sections 4–5: features fitted on the training days; Model_e2e on is_installed; Model_ts = stage 1
/// (is_like over all rows) × stage 2 (is_installed over liked rows, on a subset of stage 1's binned data); each
/// early-stopped on the validation day's logloss, then calibrated there (ω), then blended 0.5/0.5. The run starts
/// from a <see cref="TrainingPlan"/> and every model trains on one <see cref="ModelInputs"/> through
/// <see cref="ModelFitter"/>: the prologue, data path and fitter the tuner shares. Ensemble members
/// (<see cref="TrainingOptions.Members"/>) are trained by their kinds of <c>kinds</c> (none when null).
/// </summary>
public sealed class TwoStageTrainer(TrainingOptions options, ILogger logger, PhaseTimer? timer = null, IProgress<ModelProgress>? progress = null,
    EnsembleMemberKinds? kinds = null)
{
    private readonly PhaseTimer _timer = timer ?? new PhaseTimer();

    private readonly EnsembleMemberKinds _kinds = kinds ?? EnsembleMemberKinds.Empty;

    public TrainingOptions Options { get; } = options;

    /// <summary>The models trained on the engineered features, in training order.</summary>
    private IEnumerable<string> PaperModels =>
        Options.ClickModel ? [ModelNames.EndToEnd, ModelNames.Like, ModelNames.Click, ModelNames.Install]
                           : [ModelNames.EndToEnd, ModelNames.Like, ModelNames.Install];

    /// <summary>Trains every model on <paramref name="train"/>; <paramref name="test"/> only joins transductive
    /// group statistics when the feature config asks for them.</summary>
    public TrainedSystem Train(Frame train, Frame? test, CancellationToken ct = default)
    {
        // A rank of a data-parallel job validated these options before its network opened (ClusterTraining): the
        // check builds a LightGBM Dataset, which under the network would be binned across the ranks; the plan's check
        // of the same instance is then free.
        var plan = TrainingPlan.Make(train, test, Options, "training", logger, _timer, ct, _kinds);
        var split = plan.Split;
        var models = new Dictionary<string, TrainedModel>(StringComparer.Ordinal);
        // Every model's validation-day probabilities, predicted once: ω, the weight and the metrics all use them.
        var validation = new Dictionary<string, double[]>(StringComparer.Ordinal);
        FittedFeaturePipeline pipeline;
        SplitLabels labels;
        double[]? weights; // the validation rows' (NewAdWeighting), or null: alike
        NewAdWeighting? weighting;
        var members = new List<(IEnsembleMember Model, double[] Validation)>();
        using (var inputs = plan.Inputs(train, test, split, logger, _timer, keepTrainingFeatures: Options.Members.Count > 0))
        {
            try
            {
                members.AddRange(TrainMembers(train, inputs, ct));
                inputs.ReleaseTrainingRows();
                foreach (var name in PaperModels)
                {
                    (models[name], var predictions) = TrainModel(inputs, name, fixedRounds: null, ct);
                    validation[name] = predictions!;
                }
            }
            catch
            {
                foreach (var m in members) { m.Model.Dispose(); } // native memory of their own (libtorch)
                throw;
            }
            pipeline = inputs.Pipeline;
            labels = inputs.Labels;
            weights = inputs.ValidWeights;
            weighting = inputs.Weighting;
        }
        if (Options.Baseline)
        {
            (models[ModelNames.Baseline], validation[ModelNames.Baseline]) = TrainBaseline(train, split, labels, weights, ct);
        }

        var ts = Multiply(validation[ModelNames.Like], validation[ModelNames.Install]);
        var omegaTs = Calibration.Omega(labels.ValidInstalled, ts, weights);
        var omegaE2e = Calibration.Omega(labels.ValidInstalled, validation[ModelNames.EndToEnd], weights);
        var memberOmegas = members.Select(m => Calibration.Omega(labels.ValidInstalled, m.Validation, weights)).ToArray();
        var blend = members.Count == 0 ? null : Ensemble.FitWeights(labels.ValidInstalled,
            [Calibration.Apply(ts, omegaTs), Calibration.Apply(validation[ModelNames.EndToEnd], omegaE2e), .. members.Select((m, i) => Calibration.Apply(m.Validation, memberOmegas[i]))],
            weights);
        var weight = blend is not null ? blend[0] : Options.FitEnsembleWeight
            ? Ensemble.FitWeight(labels.ValidInstalled, Calibration.Apply(ts, omegaTs), Calibration.Apply(validation[ModelNames.EndToEnd], omegaE2e), weights)
            : 0.5;
        logger.LogInformation("calibration: ω_ts {OmegaTs:F4}, ω_e2e {OmegaE2e:F4}; ensemble weight of Model_ts {Weight:F2}", omegaTs, omegaE2e, weight);
        var trainedMembers = members.Select((m, i) => new TrainedMember(m.Model, memberOmegas[i], blend![i + 2])).ToArray();
        for (var i = 0; i < members.Count; i++)
        {
            var m = trainedMembers[i];
            validation[m.Model.Name] = members[i].Validation;
            logger.LogInformation("{Member}: ω {Omega:F4}, ensemble weight {Weight:F2} (Model_ts {Ts:F2}, Model_e2e {E2e:F2}, fitted on the validation day)",
                m.Model.Name, m.Omega, m.Weight, blend![0], blend[1]);
        }

        var system = new TrainedSystem(Options, pipeline, models, omegaTs, omegaE2e, weight, split, train.Schema, trainedMembers) { Selection = plan.Selection, ValidationWeighting = weighting };
        var rowIds = split.ValidationRows.Select(r => train.RowIds[r]).ToArray();
        system.ValidationMetrics = system.Combine(rowIds, validation).Evaluate(split.ValidationDay, labels.ValidInstalled, null);
        if (!Options.Refit)
        {
            return system;
        }
        // The validation metrics, ω and weight stay those of the validated models: after a refit on every
        // labelled day there is no held-out day left to measure them on.
        var (refitPipeline, refitModels, refitMembers) = Refit(train, test, plan, models, trainedMembers, ct);
        return new TrainedSystem(Options, refitPipeline, refitModels, omegaTs, omegaE2e, weight, split, train.Schema, refitMembers)
        {
            ValidationMetrics = system.ValidationMetrics,
            Selection = plan.Selection,
            ValidationWeighting = weighting,
        };
    }

    /// <summary>The ensemble members the options name, trained on the fitted features before they are released.</summary>
    private IEnumerable<(IEnsembleMember Model, double[] Validation)> TrainMembers(Frame train, ModelInputs inputs, CancellationToken ct)
    {
        foreach (var name in Options.Members)
        {
            yield return _kinds.Get(name).Train(train, inputs, Options, logger, _timer, progress, ct);
        }
    }

    /// <summary>Trains one paper model with the options' parameters, logging and progress; with
    /// <paramref name="fixedRounds"/> (refit) exactly that many rounds.</summary>
    private (TrainedModel Model, double[]? Validation) TrainModel(ModelInputs inputs, string name, int? fixedRounds, CancellationToken ct)
    {
        var rounds = fixedRounds ?? Options.Rounds;
        logger.LogInformation("training {Model}: up to {Rounds} rounds", name, rounds);
        var trained = inputs.Train(name, Options.ParametersFor(name), rounds, Options.Patience, Callbacks(name), ct, recordCurve: true);
        LogResult(trained.Model);
        return trained;
    }

    private List<ITrainingCallback> Callbacks(string name)
    {
        var callbacks = new List<ITrainingCallback> { new EvaluationLogger(new PrefixLogger(logger, name), period: 100) };
        if (progress is not null)
        {
            callbacks.Add(new ProgressReporter(new InlineProgress<TrainingProgress>(p => progress.Report(new ModelProgress(name, p)))));
        }
        return callbacks;
    }

    private void LogResult(TrainedModel model)
        => logger.LogInformation("{Model}: best iteration {Best} of {Run} ({Reason})", model.Name, model.BestIteration, model.IterationsRun, model.StopReason);

    private static double[] Multiply(double[] a, double[] b)
    {
        var product = new double[a.Length];
        for (var i = 0; i < product.Length; i++) { product[i] = a[i] * b[i]; }
        return product;
    }

    /// <summary>The raw-columns baseline: its own matrix and bins, the same fitter and early stopping.</summary>
    private (TrainedModel Model, double[] Validation) TrainBaseline(Frame train, DaySplit split, SplitLabels labels, double[]? weights, CancellationToken ct)
    {
        var columns = RawMatrix.Columns(train.Schema);
        var validMatrix = _timer.Time("features", () => RawMatrix.Build(train, columns, split.ValidationRows));
        var parameters = Options.ParametersFor(ModelNames.Baseline);
        using var trainSet = StreamedBinning.Build(split.TrainRows.Length, columns.Count, parameters,
            positions => RawMatrix.Build(train, columns, split.TrainRows, positions), _timer);
        trainSet.SetFeatureNames(columns);
        using var validSet = _timer.Time("lightgbm: dataset", () => trainSet.CreateValidation(validMatrix.Data, validMatrix.Rows, MatrixLayout.ColumnMajor));
        MemoryPolicy.PhaseEnded();
        var (trainLabels, validLabels) = labels.For(ModelNames.Baseline);
        trainSet.SetLabel(trainLabels);
        validSet.SetLabel(validLabels);
        if (weights is not null) { validSet.SetWeight(ModelInputs.Floats(weights)); }
        logger.LogInformation("training {Model}: up to {Rounds} rounds", ModelNames.Baseline, Options.Rounds);
        var (model, predictions) = ModelFitter.Fit(ModelNames.Baseline, Options.ForRows(parameters, trainSet.RowCount),
            new FitData(trainSet, validSet, validMatrix, labels.ValidInstalled, ValidWeights: weights), Options.Rounds, Options.Patience, Callbacks(ModelNames.Baseline),
            recordCurve: true, _timer, ct);
        LogResult(model);
        return (model, predictions!);
    }

    /// <summary>Retrains features, models and members on every labelled day with the iteration counts (epochs for
    /// a member) found above; ω and the weights stay the validated ones.</summary>
    private (FittedFeaturePipeline, Dictionary<string, TrainedModel>, TrainedMember[]) Refit(Frame train, Frame? test, TrainingPlan plan,
        Dictionary<string, TrainedModel> chosen, TrainedMember[] chosenMembers, CancellationToken ct)
    {
        var everyDay = DaySplit.AllDays(train, Options.Partition?.Shards);
        logger.LogInformation("refitting on all {Rows:N0} labelled rows with the chosen iteration counts", everyDay.TotalTrainRows);
        var models = new Dictionary<string, TrainedModel>(StringComparer.Ordinal);
        var members = new List<TrainedMember>();
        FittedFeaturePipeline pipeline;
        try
        {
            using var inputs = plan.Inputs(train, test, everyDay, logger, _timer, keepTrainingFeatures: chosenMembers.Length > 0);
            for (var i = 0; i < chosenMembers.Length; i++)
            {
                var kind = _kinds.Get(Options.Members[i]);
                members.Add(chosenMembers[i] with { Model = kind.Refit(train, inputs, chosenMembers[i].Model, Options, logger, _timer, progress, ct) });
            }
            inputs.ReleaseTrainingRows();
            foreach (var name in PaperModels)
            {
                // The report's learning curve stays the validated one's: it is what chose the iteration count.
                var refit = TrainModel(inputs, name, Math.Max(1, chosen[name].BestIteration), ct).Model;
                models[name] = new TrainedModel(name, refit.Booster, refit.BestIteration, refit.IterationsRun, refit.StopReason, refit.ValidationLogLoss)
                {
                    Curve = chosen[name].Curve,
                };
            }
            pipeline = inputs.Pipeline;
        }
        catch
        {
            foreach (var m in members) { m.Model.Dispose(); }
            throw;
        }
        if (chosen.TryGetValue(ModelNames.Baseline, out var baseline))
        {
            models[ModelNames.Baseline] = baseline; // the baseline stays as validated, for an honest comparison
        }
        foreach (var old in chosen.Values.Where(m => m.Name != ModelNames.Baseline)) { old.Booster.Dispose(); }
        foreach (var old in chosenMembers) { old.Model.Dispose(); }
        return (pipeline, models, members.ToArray());
    }
}
