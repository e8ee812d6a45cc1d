using Cvr.Data;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>The labels every model needs, for the training and the validation rows.</summary>
internal sealed class SplitLabels
{
    public SplitLabels(Frame frame, DaySplit split, StageOneLabel stageOne) : this(frame, split, stageOne, null)
    {
    }

    /// <param name="exchange">On a rank (<see cref="DaySplit.Ranks"/>): how the ranks gather every block's liked positions
    /// and whether it has an installed row (round <c>labels</c>), so no rank reads another's labels.</param>
    private SplitLabels(Frame frame, DaySplit split, StageOneLabel stageOne, IPartialExchange? exchange)
    {
        var installed = frame.Label(Schema.InstallLabel).Values;
        var clicked = frame.Label(Schema.ClickLabel).Values;
        var like = Targets.Values(frame, Targets.Like);
        var stageOneValues = stageOne == StageOneLabel.Like ? like : installed;
        // A rank's training rows are its own block's: positions [start, start + count) among every rank's.
        var start = split.Ranks?.Offset ?? 0;
        var trainRows = split.TrainRows;
        TrainOffset = start;
        TrainInstalled = Floats(installed, trainRows);
        TrainClicked = Floats(clicked, trainRows);
        TrainStageOne = Floats(stageOneValues, trainRows);
        ValidInstalled = FeaturePipeline.Select(installed, split.ValidationRows);
        ValidInstalledFloats = Floats(installed, split.ValidationRows);
        ValidStageOne = Floats(stageOneValues, split.ValidationRows);
        ValidClicked = Floats(clicked, split.ValidationRows);
        ValidLikedRows = Positions(like, split.ValidationRows);
        var liked = Positions(like, trainRows);
        for (var i = 0; i < liked.Length; i++) { liked[i] += start; }
        var anyInstalled = TrainInstalled.Contains(1f);
        if (exchange is not null) { (liked, anyInstalled) = Gather(exchange, liked, anyInstalled); }
        TrainLikedRows = liked;
        AnyTrainInstalled = anyInstalled;
    }

    /// <summary>
    /// The labels of one rank's training rows (<paramref name="split"/>'s, placed by <see cref="DaySplit.Ranks"/>), with
    /// every block's liked positions and whether any block has an installed row gathered from every rank through
    /// <paramref name="exchange"/>: the rank reads no other rank's labels.
    /// </summary>
    public static SplitLabels ForRank(Frame frame, DaySplit split, StageOneLabel stageOne, IPartialExchange exchange)
        => new(frame, split, stageOne, split.Ranks is null ? throw new ArgumentException("a rank's split places its rows among every rank's (DaySplit.Ranks)", nameof(split)) : exchange);

    /// <summary>Every rank's liked positions (blocks ascend with the rank, so the result ascends) and whether any has an
    /// installed training row.</summary>
    private static (int[] Liked, bool AnyInstalled) Gather(IPartialExchange exchange, int[] liked, bool anyInstalled)
    {
        var every = exchange.Exchange("labels", PartialFormat.Serialise(w =>
        {
            w.Write(anyInstalled);
            w.WriteArray<int>(liked);
        }));
        var all = new List<int>();
        var any = false;
        for (var r = 0; r < every.Count; r++)
        {
            var (installed, positions) = PartialFormat.Deserialise(every[r], reader => (reader.ReadBoolean(), reader.ReadArray<int>()), $"rank {r}'s labels");
            if (positions.Length > 0 && all.Count > 0 && positions[0] <= all[^1])
            {
                throw new InvalidDataException($"rank {r}'s liked training rows start at position {positions[0]}, not after rank {r - 1}'s last ({all[^1]})");
            }
            all.AddRange(positions);
            any |= installed;
        }
        return ([.. all], any);
    }

    /// <summary>The position among every training row of the first of <see cref="TrainInstalled"/>, <see cref="TrainClicked"/>
    /// and <see cref="TrainStageOne"/>: 0, or a rank's block's start.</summary>
    public int TrainOffset { get; }

    /// <summary>Whether any training row (of every rank's) is installed.</summary>
    public bool AnyTrainInstalled { get; }

    public float[] TrainInstalled { get; }
    public float[] TrainClicked { get; }
    public float[] TrainStageOne { get; }
    public byte[] ValidInstalled { get; }
    public float[] ValidInstalledFloats { get; }
    public float[] ValidStageOne { get; }
    public float[] ValidClicked { get; }

    /// <summary>Positions (within every training row) of the liked rows: stage 2's subset, strictly increasing.</summary>
    public int[] TrainLikedRows { get; }
    public int[] ValidLikedRows { get; }

    /// <summary>The training and validation labels of a model that trains on every row (not stage 2).</summary>
    public (float[] Train, float[] Valid) For(string model) => model switch
    {
        ModelNames.EndToEnd or ModelNames.Baseline => (TrainInstalled, ValidInstalledFloats),
        ModelNames.Like => (TrainStageOne, ValidStageOne),
        ModelNames.Click => (TrainClicked, ValidClicked),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "stage 2 (install) trains on the liked rows only"),
    };

    /// <summary>The labels at the given positions: stage 2's install labels of the liked rows.</summary>
    public static T[] At<T>(T[] labels, int[] positions)
    {
        var result = new T[positions.Length];
        for (var i = 0; i < positions.Length; i++) { result[i] = labels[positions[i]]; }
        return result;
    }

    private static float[] Floats(byte[] values, int[] rows)
    {
        var result = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++) { result[i] = values[rows[i]]; }
        return result;
    }

    private static int[] Positions(byte[] like, int[] rows)
    {
        var result = new List<int>();
        for (var i = 0; i < rows.Length; i++)
        {
            if (like[rows[i]] == 1) { result.Add(i); }
        }
        return [.. result];
    }
}
