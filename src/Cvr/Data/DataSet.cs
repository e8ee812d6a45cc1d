using Cvr.Data.Cache;
using Microsoft.Extensions.Logging;

namespace Cvr.Data;

/// <summary>How to load a data set folder.</summary>
public sealed record DataSetOptions
{
    /// <summary>Keep parsed frames as Arrow files so later runs skip parsing (invalidated when sources change).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Cache folder; null means <see cref="FrameCache.DefaultDirectory"/>.</summary>
    public string? CacheDirectory { get; init; }

    public int? MaxDegreeOfParallelism { get; init; }

    /// <summary>Reject training data without labels (a model needs them; a data report does not).</summary>
    public bool RequireTrainLabels { get; init; } = true;

    /// <summary>Which of the train folder's shards (in name order) to read: a rank of a data-parallel job reads its own
    /// only (<see cref="Modeling.RankShards"/>); null: every shard.</summary>
    public Func<IReadOnlyList<string>, IReadOnlyList<string>>? TrainShards { get; init; }

    /// <summary>Whether to read the test split (when there is one): a rank of a data-parallel job that needs none skips it.</summary>
    public bool ReadTest { get; init; } = true;
}

/// <summary>
/// A data set in the challenge layout: a folder holding <c>train/</c> (labelled) and, optionally, <c>test/</c>
/// (labels optional), each a file or a folder of shards. The test set must have the training set's feature
/// columns, so a model trained on one can score the other.
/// </summary>
public sealed class DataSet
{
    public const string TrainFolder = "train";
    public const string TestFolder = "test";

    private DataSet(string root, Frame train, Frame? test)
    {
        Root = root;
        Train = train;
        Test = test;
    }

    public string Root { get; }

    /// <summary>This data set with another training frame (a rank's of a data-parallel job: its shards' rows and the
    /// other ranks' rows of the validation day).</summary>
    internal DataSet WithTrain(Frame train) => new(Root, train, Test);

    public Frame Train { get; }

    /// <summary>The test split, or null when the folder has no <c>test/</c>.</summary>
    public Frame? Test { get; }

    public static DataSet Load(string root, DataSetOptions? options = null, ILogger? logger = null)
    {
        options ??= new DataSetOptions();
        if (!Directory.Exists(root))
        {
            throw DataError.File(root, "no such folder (expected a data set folder holding train/ and test/)");
        }
        var trainPath = Path.Combine(root, TrainFolder);
        if (!Directory.Exists(trainPath) && !File.Exists(trainPath))
        {
            throw DataError.File(root, "no train/ folder (expected the challenge layout: train/ and test/ holding TAB-separated shards)");
        }
        var train = ReadSplit(root, trainPath, requireLabels: options.RequireTrainLabels, options, logger, options.TrainShards);
        var testPath = Path.Combine(root, TestFolder);
        Frame? test = null;
        if (!options.ReadTest)
        {
            logger?.LogDebug("the test split of {Root} is not read", root);
        }
        else if (Directory.Exists(testPath) || File.Exists(testPath))
        {
            test = ReadSplit(root, testPath, requireLabels: false, options, logger);
            CheckTestColumns(train, test, root, testPath);
        }
        else
        {
            logger?.LogInformation("{Root} has no test/ folder; only the training split is loaded", root);
        }
        return new DataSet(root, train, test);
    }

    public static Frame ReadSplit(string root, string path, bool requireLabels, DataSetOptions options, ILogger? logger,
        Func<IReadOnlyList<string>, IReadOnlyList<string>>? shards = null)
    {
        var read = new ReadOptions
        {
            RequireLabels = requireLabels,
            DisplayRoot = root,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism,
        };
        var sources = FrameReader.ListSources(path, root);
        if (shards is not null) { sources = shards(sources); }
        return options.UseCache
            ? FrameCache.ReadThrough(sources, read, options.CacheDirectory ?? FrameCache.DefaultDirectory(), logger)
            : FrameReader.Read(sources, read);
    }

    private static void CheckTestColumns(Frame train, Frame test, string root, string testPath)
    {
        var trainFeatures = train.Schema.WithoutLabels().Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var testFeatures = test.Schema.WithoutLabels().Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var display = FrameReader.Display(FrameReader.ListSources(testPath)[0], root);
        var missing = trainFeatures.Except(testFeatures).Order(StringComparer.Ordinal).ToArray();
        if (missing.Length > 0)
        {
            throw DataError.Line(display, 1, $"the test header lacks {string.Join(", ", missing)} (expected the training set's columns)");
        }
        var extra = testFeatures.Except(trainFeatures).Order(StringComparer.Ordinal).ToArray();
        if (extra.Length > 0)
        {
            throw DataError.Line(display, 1, $"the test header has {string.Join(", ", extra)}, which training data lacks (expected the training set's columns)");
        }
    }
}
