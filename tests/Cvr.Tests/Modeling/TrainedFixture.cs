using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>Small generated data, trained once and shared by the end-to-end tests of a class.</summary>
public sealed class TrainedFixture : IDisposable
{
    public TrainedFixture()
    {
        Directory = new TempDir();
        DataDir = Directory.File("data");
        SyntheticData.Generate(DataDir, new GeneratorOptions(Scale: 0.004, Seed: 11));
        Options = new TrainingOptions { MaxRounds = 40, EarlyStoppingRounds = 10, Threads = 2, ClickModel = true };
        DataOptions = new DataSetOptions { UseCache = false };
        ModelDir = Directory.File("model");
        Report = Workflow.Train(DataDir, ModelDir, Options, DataOptions, NullLogger.Instance, new PhaseTimer(), CancellationToken.None);
    }

    internal TempDir Directory { get; }

    public string DataDir { get; }

    public string ModelDir { get; }

    public TrainingOptions Options { get; }

    public DataSetOptions DataOptions { get; }

    public RunReport Report { get; }

    public void Dispose() => Directory.Dispose();
}
