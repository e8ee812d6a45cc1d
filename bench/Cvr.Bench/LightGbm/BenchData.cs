using Cvr.LightGbm;

namespace Cvr.Bench.LightGbm;

/// <summary>Synthetic binary data: uniform features, label from a logit of the first five.</summary>
internal sealed record BenchData(float[] Features, float[] Labels, int Rows, int Columns)
{
    internal static BenchData Create(int rows, int columns, int seed)
    {
        var features = new float[(long)rows * columns];
        var labels = new float[rows];
        Parallel.For(0, Environment.ProcessorCount, part =>
        {
            var random = new Random(seed + part);
            for (var r = part; r < rows; r += Environment.ProcessorCount)
            {
                var row = features.AsSpan(r * columns, columns);
                for (var c = 0; c < columns; c++) row[c] = (float)random.NextDouble();
                var logit = (2 * row[0]) - (2 * row[1]) + row[2] - row[3] + (0.5 * row[4]);
                labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
            }
        });
        return new BenchData(features, labels, rows, columns);
    }

    internal static LightGbmParameters Parameters(int numLeaves) => new()
    {
        Objective = "binary",
        NumLeaves = numLeaves,
        LearningRate = 0.1,
        Seed = 1,
        ForceColWise = true,
        Verbosity = -1,
    };
}
