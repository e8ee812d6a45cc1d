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
        // A constant predictor ranks nothing (AUC exactly 0.5) and at best scores NCE 1 (the rate itself). On this
        // tiny day (40 rounds) each of the paper's rows ranks better than chance, and the calibrated two-stage model and the
        // ensemble beat the rate.
        Assert.All(validation.Models.Where(m => m.Model != ModelScores.BaselineName), m => Assert.InRange(m.Auc, 0.53, 1));
        Assert.InRange(validation.Models.Single(m => m.Model == ModelScores.TsCalName).Nce, 0.5, 0.995);
        Assert.InRange(validation.Models.Single(m => m.Model == ModelScores.EnsembleName).Nce, 0.5, 0.995);
        Assert.All(validation.Models, m => Assert.Equal(m.LogLoss, m.Nce * Metrics.Entropy(validation.InstallRate), 12));
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
        Assert.InRange(metrics.Installed.Auc, 0.53, 1);
        Assert.NotNull(metrics.Truth);
    }

    [Fact]
    public void Train_SameSeed_WritesIdenticalModels()
    {
        using var dir = new TempDir();
        var model = dir.File("model");
        Workflow.Train(fixture.DataDir, model, fixture.Options, fixture.DataOptions, NullLogger.Instance, new PhaseTimer(), CancellationToken.None);
        foreach (var file in new[] { "e2e.txt", "like.txt", "install.txt", "features.json", "manifest.json", "SHA256SUMS" })
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
        Assert.Equal($"{Path.Combine(copy, "like.txt")}: corrupted (its SHA-256 differs from SHA256SUMS)", e.Message);
    }

    [Fact]
    public void Save_Sha256Sums_ListsEveryOtherFileSortedInSha256sumFormat()
    {
        var lines = File.ReadAllLines(Path.Combine(fixture.ModelDir, "SHA256SUMS"));
        var others = System.IO.Directory.GetFiles(fixture.ModelDir).Select(Path.GetFileName).Where(n => n != "SHA256SUMS").Order(StringComparer.Ordinal);
        Assert.Equal(others, lines.Select(l => l[66..]));
        Assert.Contains("manifest.json", lines.Select(l => l[66..]));
        foreach (var line in lines)
        {
            // Independent of the production code: .NET's one-shot SHA-256 of the file, lower-case hex, two spaces.
            var name = line[66..];
            var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(fixture.ModelDir, name))));
            Assert.Equal($"{hash}  {name}", line);
        }
    }

    [Sha256sumFact]
    public void Save_Sha256Sums_PassesGnuSha256sumCheck()
    {
        var psi = new System.Diagnostics.ProcessStartInfo(Sha256sumFactAttribute.Path!, "-c SHA256SUMS")
        {
            WorkingDirectory = fixture.ModelDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = System.Diagnostics.Process.Start(psi)!)
        {
            var output = process.StandardOutput.ReadToEnd();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, output + error);
            Assert.Contains("manifest.json: OK", output);
        }
    }

    [Fact]
    public void Load_EditedEnsembleWeightInManifest_IsRejected()
    {
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var manifest = Path.Combine(copy, ModelBundle.ManifestFile);
        var text = File.ReadAllText(manifest);
        var edited = System.Text.RegularExpressions.Regex.Replace(text, "\"ensemble_weight_ts\": [0-9.]+", "\"ensemble_weight_ts\": 0.99");
        Assert.NotEqual(text, edited);
        File.WriteAllText(manifest, edited);
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Equal($"{manifest}: corrupted (its SHA-256 differs from SHA256SUMS)", e.Message);
    }

    [Fact]
    public void Load_BadSha256SumsLine_NamesTheLine()
    {
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var sums = Path.Combine(copy, "SHA256SUMS");
        var lines = File.ReadAllLines(sums);
        lines[1] = lines[1].Replace("  ", " ");
        File.WriteAllText(sums, string.Join('\n', lines) + "\n");
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Equal($"{sums}: line 2: expected '<64 hex digits>  <file name>'", e.Message);
    }

    [Fact]
    public void Load_Version1Bundle_IsRejectedWithAdvice()
    {
        // A version-1 bundle: checksums inside the manifest, no SHA256SUMS.
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        File.Delete(Path.Combine(copy, "SHA256SUMS"));
        var manifest = Path.Combine(copy, ModelBundle.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"format_version\": {BundleManifest.CurrentFormatVersion}", "\"format_version\": 1"));
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Equal($"{copy}: bundle format version 1 (written by cvr {ModelBundle.CvrVersion}) is not supported; this cvr {ModelBundle.CvrVersion} reads version {BundleManifest.CurrentFormatVersion}. Retrain the model with this version.", e.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Load_BundleKeyingMissingAsZero_IsRejectedWithAdvice(int version)
    {
        // Versions 2 and 3 keyed a missing categorical as the fill value (code 0) in features.json; scoring them
        // with today's keys would read other statistics than they were trained with.
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var manifest = Path.Combine(copy, ModelBundle.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"format_version\": {BundleManifest.CurrentFormatVersion}", $"\"format_version\": {version}"));
        BundleChecksums.Write(copy); // as the older cvr wrote it: the checksums are right
        var e = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy));
        Assert.Equal($"{copy}: bundle format version {version} (written by cvr {ModelBundle.CvrVersion}) is not supported; this cvr {ModelBundle.CvrVersion} reads version {BundleManifest.CurrentFormatVersion}. Retrain the model with this version.", e.Message);
    }

    [Fact]
    public void Load_NewerFormatVersion_IsRejectedWithAdvice()
    {
        using var dir = new TempDir();
        var copy = Copy(fixture.ModelDir, dir.File("model"));
        var manifest = Path.Combine(copy, ModelBundle.ManifestFile);
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace($"\"format_version\": {BundleManifest.CurrentFormatVersion}", "\"format_version\": 99"));
        BundleChecksums.Write(copy); // as a newer cvr would: the checksums are right, the version is not ours
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
        Assert.Equal($"{dir.File("garbled/SHA256SUMS")}: missing from the bundle (it lists every file's SHA-256)",
            Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(dir.File("garbled"))).Message);
        dir.Write("garbled/SHA256SUMS", "");
        Assert.Equal($"{dir.File("garbled/manifest.json")}: not listed in SHA256SUMS (a bundle holds exactly the files it lists)",
            Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(dir.File("garbled"))).Message);
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
