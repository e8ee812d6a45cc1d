using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;
using Cvr.Modeling.Tuning;
using Cvr.Tuning;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling.Tuning;

/// <summary>Tiny generated data shared by the tuner's tests; trials take a fraction of a second on it.</summary>
public sealed class TuningFixture : IDisposable
{
    public TuningFixture()
    {
        Directory = new TempDir();
        DataDir = Directory.File("data");
        SyntheticData.Generate(DataDir, new GeneratorOptions(Scale: 0.003, Seed: 5));
    }

    internal TempDir Directory { get; }

    public string DataDir { get; }

    /// <summary>One thread: deterministic and, on a busy 2-core machine, much faster than OpenMP spinning.</summary>
    public TrainingOptions Training { get; } = new() { MaxRounds = 40, EarlyStoppingRounds = 10, Threads = 1 };

    public DataSetOptions DataOptions { get; } = new() { UseCache = false };

    public TuneReport Tune(TuneOptions tune, TrainingOptions? training = null) =>
        LightGbmTuner.Run(DataDir, tune, training ?? Training, DataOptions, NullLogger.Instance, CancellationToken.None);

    public void Dispose() => Directory.Dispose();
}
