using System.Text.Json;

namespace Cvr.Tests.Data.Synthetic;

/// <summary>The truth files against the labels, on the shared generated data set.</summary>
public sealed class SyntheticDataTruthTests(GeneratedData data) : IClassFixture<GeneratedData>
{
    private static double LogLoss(IEnumerable<(int Y, double P)> rows)
    {
        var list = rows.ToList();
        return -list.Average(r => r.Y * Math.Log(r.P) + (1 - r.Y) * Math.Log(1 - r.P));
    }

    [Fact]
    public void Generate_SmallScale_TrainTruthIsConsistentAndBeatsTheConstantRate()
    {
        Assert.Equal(data.Train.Count, data.TrainTruth.Count);
        var pairs = new List<(int Y, double P)>();
        for (int i = 0; i < data.Train.Count; i++)
        {
            var t = data.TrainTruth[i];
            Assert.Equal(data.Train[i].Fields[0], t[0]);
            double like = GeneratedData.D(t[1]), installIfLike = GeneratedData.D(t[2]);
            double installed = GeneratedData.D(t[3]), clicked = GeneratedData.D(t[4]);
            Assert.All(new[] { like, installIfLike, installed, clicked }, p => Assert.InRange(p, 1e-9, 1 - 1e-9));
            Assert.Equal(like * installIfLike, installed, 1e-12);
            Assert.True(clicked <= like + 1e-12);
            pairs.Add((int.Parse(data.Train[i].Fields[81]), installed));
        }
        double rate = pairs.Average(p => p.Y);
        Assert.InRange(pairs.Average(p => p.P), rate - 0.01, rate + 0.01);
        double truth = LogLoss(pairs), constant = LogLoss(pairs.Select(p => (p.Y, rate)));
        Assert.True(truth < constant - 0.03, $"truth logloss {truth} vs constant {constant}");
        Assert.InRange(truth, 0.30, 0.43); // data-format.md/brief: the real best logloss is about 0.35–0.40
    }

    [Fact]
    public void Generate_SmallScale_TestTruthHoldsLabelsAndProbabilities()
    {
        Assert.Equal(data.Test.Count, data.TestTruth.Count);
        for (int i = 0; i < data.Test.Count; i++) Assert.Equal(data.Test[i][0], data.TestTruth[i][0]);
        var installs = data.TestTruth.Select(t => (int.Parse(t[2]), GeneratedData.D(t[5]))).ToList();
        var clicks = data.TestTruth.Select(t => (int.Parse(t[1]), GeneratedData.D(t[6]))).ToList();
        double rate = installs.Average(p => p.Item1);
        Assert.InRange(rate, 0.10, 0.25);
        Assert.InRange(installs.Average(p => p.Item2), rate - 0.03, rate + 0.03);
        Assert.InRange(clicks.Average(p => p.Item2), clicks.Average(p => p.Item1) - 0.03, clicks.Average(p => p.Item1) + 0.03);
        Assert.True(LogLoss(installs) < LogLoss(installs.Select(p => (p.Item1, rate))));
    }

    [Fact]
    public void Generate_SmallScale_StoryJsonRecordsSeedScaleAndIntercepts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(data.Summary.TruthDirectory, "story.json")));
        var root = json.RootElement;
        Assert.Equal(GeneratedData.Seed, root.GetProperty("seed").GetUInt64());
        Assert.Equal(GeneratedData.Scale, root.GetProperty("scale").GetDouble());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("generatorVersion").GetString()));
        Assert.True(root.GetProperty("intercepts").TryGetProperty("like", out _));
        Assert.True(root.GetProperty("parameters").EnumerateObject().Count() > 10);
    }

    [Fact]
    public void Generate_SmallScale_SummaryDescribesTheFiles()
    {
        var s = data.Summary;
        Assert.Equal(data.Train.Count, s.TrainRows);
        Assert.Equal(data.Test.Count, s.TestRows);
        Assert.Equal(data.TrainFileCount, s.TrainFiles.Count);
        Assert.All(s.TrainFiles, f => Assert.True(File.Exists(f)));
        Assert.True(File.Exists(s.TestFile));
        long onDisk = Directory.GetFiles(s.OutputDirectory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(onDisk, s.BytesWritten);
    }
}
