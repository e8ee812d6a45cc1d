using System.Globalization;
using Cvr.Data.Synthetic;

namespace Cvr.Tests.Data.Synthetic;

/// <summary>
/// One small generated data set, read back with plain string splitting (independent of the generator's code) and
/// shared by the tests of <see cref="SyntheticDataTests"/>.
/// </summary>
public sealed class GeneratedData : IDisposable
{
    public const double Scale = 0.02;
    public const ulong Seed = 7;

    public string Root { get; }
    public GenerationSummary Summary { get; }
    public string[] TrainHeader { get; }
    public string[] TestHeader { get; }

    /// <summary>Train rows in file order, with the shard each came from.</summary>
    public List<(int Shard, string[] Fields)> Train { get; } = [];
    public List<string[]> Test { get; } = [];
    public List<string[]> TrainTruth { get; } = [];
    public List<string[]> TestTruth { get; } = [];
    public string TrainTruthHeader { get; }
    public string TestTruthHeader { get; }

    public GeneratedData()
    {
        Root = Path.Combine(Path.GetTempPath(), "cvr-gen-tests-" + Guid.NewGuid().ToString("N"));
        Summary = SyntheticData.Generate(Path.Combine(Root, "data"), new GeneratorOptions(Scale, Seed));
        string data = Path.Combine(Root, "data");
        var trainFiles = Directory.GetFiles(Path.Combine(data, "train")).Order(StringComparer.Ordinal).ToArray();
        TrainHeader = [];
        for (int s = 0; s < trainFiles.Length; s++)
        {
            var lines = ReadLines(trainFiles[s]);
            TrainHeader = lines[0].Split('\t');
            Train.AddRange(lines.Skip(1).Select(l => (s, l.Split('\t'))));
        }
        var test = ReadLines(Path.Combine(data, "test", "000000000000.csv"));
        TestHeader = test[0].Split('\t');
        Test.AddRange(test.Skip(1).Select(l => l.Split('\t')));
        var trainTruth = ReadLines(Path.Combine(data, "truth", "train.csv"));
        TrainTruthHeader = trainTruth[0];
        TrainTruth.AddRange(trainTruth.Skip(1).Select(l => l.Split('\t')));
        var testTruth = ReadLines(Path.Combine(data, "truth", "test.csv"));
        TestTruthHeader = testTruth[0];
        TestTruth.AddRange(testTruth.Skip(1).Select(l => l.Split('\t')));
    }

    public int TrainFileCount => Train.Select(r => r.Shard).Distinct().Count();

    public static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>Splits on '\n' only and asserts the file ends with one (a CR would stay in the last field).</summary>
    private static string[] ReadLines(string path)
    {
        string text = File.ReadAllText(path);
        Assert.EndsWith("\n", text);
        return text[..^1].Split('\n');
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
