using Cvr.Data;
using Cvr.Features;

namespace Cvr.Modeling;

/// <summary>The labels every model needs, for the training and the validation rows.</summary>
internal sealed class SplitLabels
{
    public SplitLabels(Frame frame, DaySplit split, StageOneLabel stageOne)
    {
        var installed = frame.Label(Schema.InstallLabel).Values;
        var clicked = frame.Label(Schema.ClickLabel).Values;
        var like = Targets.Values(frame, Targets.Like);
        var stageOneValues = stageOne == StageOneLabel.Like ? like : installed;
        TrainInstalled = Floats(installed, split.TrainRows);
        TrainClicked = Floats(clicked, split.TrainRows);
        TrainStageOne = Floats(stageOneValues, split.TrainRows);
        ValidInstalled = FeaturePipeline.Select(installed, split.ValidationRows);
        ValidInstalledFloats = Floats(installed, split.ValidationRows);
        ValidStageOne = Floats(stageOneValues, split.ValidationRows);
        ValidClicked = Floats(clicked, split.ValidationRows);
        TrainLikedRows = Positions(like, split.TrainRows);
        ValidLikedRows = Positions(like, split.ValidationRows);
    }

    public float[] TrainInstalled { get; }
    public float[] TrainClicked { get; }
    public float[] TrainStageOne { get; }
    public byte[] ValidInstalled { get; }
    public float[] ValidInstalledFloats { get; }
    public float[] ValidStageOne { get; }
    public float[] ValidClicked { get; }

    /// <summary>Positions (within the training rows) of the liked rows: stage 2's subset, strictly increasing.</summary>
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
