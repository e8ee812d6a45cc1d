namespace Cvr.Data.Synthetic;

/// <summary>Options of <see cref="SyntheticData.Generate"/>.</summary>
/// <param name="Scale">Fraction of the real data's size: 1.0 = 3,485,852 train and 160,973 test rows. In (0, 10].</param>
/// <param name="Seed">Seed of every random choice; the same seed and scale give byte-identical files.</param>
/// <param name="Overwrite">Replace a non-empty output folder instead of refusing.</param>
/// <param name="TrainShards">Number of train files; default 30 from scale 1 up, fewer (at least 2) below.</param>
public sealed record GeneratorOptions(double Scale = 1.0, ulong Seed = 42, bool Overwrite = false, int? TrainShards = null)
{
    public const double MaxScale = 10;
    public const int MaxTrainShards = 1000;

    /// <summary>Throws <see cref="ConfigurationException"/> naming the setting at fault.</summary>
    public void Validate()
    {
        if (double.IsNaN(Scale) || Scale <= 0 || Scale > MaxScale)
            throw new ConfigurationException("scale", $"must be greater than 0 and at most {MaxScale} (got {Scale}).");
        if (TrainShards is { } shards && (shards < 1 || shards > MaxTrainShards))
            throw new ConfigurationException("train_shards", $"must be between 1 and {MaxTrainShards} (got {shards}).");
    }
}

/// <summary>Progress of a generation: rows written so far over all files.</summary>
public sealed record GenerationProgress(long RowsWritten, long TotalRows, int FilesDone, int FilesTotal);

/// <summary>What <see cref="SyntheticData.Generate"/> wrote.</summary>
/// <param name="OutputDirectory">The full path of the output folder.</param>
/// <param name="TrainRows">Rows over all train files.</param>
/// <param name="TestRows">Rows of the test file.</param>
/// <param name="TrainRowsPerDay">Train rows of days 45..66, in order.</param>
/// <param name="TrainFiles">Full paths of the train shards, in row-id order.</param>
/// <param name="TestFile">Full path of the test file.</param>
/// <param name="TruthDirectory">Full path of the truth folder (test.csv, train.csv, story.json).</param>
/// <param name="BytesWritten">Bytes of all files written, truth included.</param>
/// <param name="Elapsed">Wall time of the whole generation.</param>
public sealed record GenerationSummary(
    string OutputDirectory,
    long TrainRows,
    long TestRows,
    IReadOnlyList<int> TrainRowsPerDay,
    IReadOnlyList<string> TrainFiles,
    string TestFile,
    string TruthDirectory,
    long BytesWritten,
    TimeSpan Elapsed);
