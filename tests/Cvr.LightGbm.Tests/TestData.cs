namespace Cvr.LightGbm.Tests;

/// <summary>Small deterministic binary-classification data: the label depends on a few features through a logit.</summary>
internal sealed record TestData(float[] Features, float[] Labels, int Rows, int Columns)
{
    internal static TestData Create(int rows = 2000, int columns = 8, int seed = 7)
    {
        var random = new Random(seed);
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                features[(r * columns) + c] = (float)random.NextDouble();
            }
            var logit = (3 * features[r * columns]) - (2 * features[(r * columns) + 1]) + features[(r * columns) + 2] - 1;
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
        }
        return new TestData(features, labels, rows, columns);
    }

    internal static readonly LightGbmParameters Binary = new()
    {
        Objective = "binary",
        Metrics = ["auc", "binary_logloss"],
        NumLeaves = 7,
        MinDataInLeaf = 20,
        LearningRate = 0.1,
        NumThreads = 2,
        Seed = 42,
        Deterministic = true,
        ForceColWise = true,
        Verbosity = -1,
    };

    internal float[] Row(int r) => Features.AsSpan(r * Columns, Columns).ToArray();

    /// <summary>The first <paramref name="count"/> rows of this matrix.</summary>
    internal TestData Take(int count) =>
        new(Features[..(count * Columns)], Labels[..count], count, Columns);

    internal Dataset ToDataset(LightGbmParameters? parameters = null, Dataset? reference = null)
    {
        var dataset = Dataset.FromMatrix(Features, Rows, Columns, parameters ?? Binary, MatrixLayout.RowMajor, reference);
        dataset.SetLabel(Labels);
        return dataset;
    }

    internal float[] ToColumnMajor()
    {
        var result = new float[Features.Length];
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns; c++)
            {
                result[(c * Rows) + r] = Features[(r * Columns) + c];
            }
        }
        return result;
    }

    internal static Booster Train(Dataset train, int iterations, LightGbmParameters? parameters = null)
    {
        var booster = Booster.Create(train, parameters ?? Binary);
        for (var i = 0; i < iterations; i++)
        {
            booster.UpdateOneIteration();
        }
        return booster;
    }
}
