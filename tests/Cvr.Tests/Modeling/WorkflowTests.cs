using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

[Trait("Category", "LightGbm")]
public class WorkflowTests(TrainedFixture fixture) : IClassFixture<TrainedFixture>
{
    [Fact]
    public void Train_SmallGeneratedData_ReportsThePapersFiveRows()
    {
        var validation = fixture.Report.Validation!;
        Assert.Equal(66, validation.Day);
        Assert.Equal([ModelScores.TsName, ModelScores.E2eName, ModelScores.TsCalName, ModelScores.E2eCalName, ModelScores.EnsembleName, ModelScores.BaselineName],
            validation.Models.Select(m => m.Model));
        Assert.All(validation.Models, m => Assert.InRange(m.LogLoss, 0.1, 0.7));
        Assert.All(validation.Models, m => Assert.InRange(m.Auc, 0.5, 1));
        // ω calibrates the validation day itself, so the calibrated rows' ratios move towards 1.
        var ts = validation.Models.Single(m => m.Model == ModelScores.TsName);
        var tsCal = validation.Models.Single(m => m.Model == ModelScores.TsCalName);
        Assert.True(Math.Abs(tsCal.CalibrationRatio - 1) <= Math.Abs(ts.CalibrationRatio - 1) + 1e-9);
    }

    [Fact]
    public void Predict_ReloadedBundle_ScoresExactlyAsTrained()
    {
        using var dir = new TempDir();
        var (scores, test) = Workflow.Predict(fixture.ModelDir, fixture.DataDir, dir.File("sub.csv"), fixture.DataOptions, NullLogger.Instance, new PhaseTimer());
        Assert.Equal(test.RowCount, scores.Ensemble.Length);
        var lines = File.ReadAllLines(dir.File("sub.csv"));
        Assert.Equal("RowId\tis_clicked\tis_installed", lines[0]);
        Assert.Equal(test.RowCount + 1, lines.Length);
        // The click model fills is_clicked.
        Assert.NotEqual("0", lines[1].Split('\t')[1]);

        var (again, _) = Workflow.Predict(fixture.ModelDir, fixture.DataDir, dir.File("sub2.csv"), fixture.DataOptions, NullLogger.Instance, new PhaseTimer());
        Assert.Equal(scores.Ensemble, again.Ensemble);
        Assert.Equal(File.ReadAllBytes(dir.File("sub.csv")), File.ReadAllBytes(dir.File("sub2.csv")));
        var metrics = SubmissionEvaluator.Evaluate(dir.File("sub.csv"), fixture.DataDir);
        Assert.InRange(metrics.Installed.LogLoss, 0.1, 0.7);
        Assert.NotNull(metrics.Truth);
    }

    [Fact]
    public void Train_SameSeed_WritesIdenticalModels()
    {
        using var dir = new TempDir();
        var model = dir.File("model");
        Workflow.Train(fixture.DataDir, model, fixture.Options, fixture.DataOptions, NullLogger.Instance, new PhaseTimer(), CancellationToken.None);
        foreach (var file in new[] { "e2e.txt", "like.txt", "install.txt", "features.json", "manifest.json" })
        {
            Assert.Equal(File.ReadAllText(Path.Combine(fixture.ModelDir, file)), File.ReadAllText(Path.Combine(model, file)));
        }
    }

    [Fact]
    public void Load_CorruptedModelFile_IsRejected()
    {
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        File.AppendAllText(Path.Combine(copy, "like.txt"), "tampered");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Equal($"{Path.Combine(copy, "like.txt")}: corrupted (its SHA-256 differs from the manifest's)", e.Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_IsRejectedWithAdvice()
    {
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var manifest = Path.Combine(copy, ModelBundle.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"format_version\": 1", "\"format_version\": 99"));
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Contains("bundle format version 99", e.Message);
        Assert.Contains("Retrain the model", e.Message);
    }

    [Fact]
    public void Load_NotABundle_SaysSo()
    {
        using var dir = new TempDir();
        System.IO.Directory.CreateDirectory(dir.File("empty"));
        Assert.Equal($"{dir.File("empty")}: not a model bundle (no manifest.json)",
            Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(dir.File("empty"))).Message);
        dir.Write("garbled/manifest.json", "{ not json");
        Assert.StartsWith($"{dir.File("garbled/manifest.json")}: corrupted manifest", Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(dir.File("garbled"))).Message);
    }

    [Fact]
    public void Predict_TestWithDifferentColumns_FailsWithoutOutput()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        System.IO.Directory.CreateDirectory(Path.Combine(data, "test"));
        var testFile = Path.Combine(fixture.DataDir, "test", "000000000000.csv");
        var lines = File.ReadLines(testFile).Take(3).Select(l => string.Join('\t', l.Split('\t').Where((_, i) => i != 5))).ToArray();
        File.WriteAllLines(Path.Combine(data, "test", "000000000000.csv"), lines);
        var e = Assert.Throws<DataFormatException>(() => Workflow.Predict(fixture.ModelDir, data, dir.File("sub.csv"), fixture.DataOptions, NullLogger.Instance, new PhaseTimer()));
        Assert.Equal("test/000000000000.csv: line 1: the header lacks f_5 (expected the columns the model was trained with)", e.Message);
        Assert.False(File.Exists(dir.File("sub.csv")));
    }

    private static string Copy(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from)) { File.Copy(file, Path.Combine(to, Path.GetFileName(file))); }
        return to;
    }
}
