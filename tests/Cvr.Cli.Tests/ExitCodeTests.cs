using System.CommandLine;
using Cvr.LightGbm;

namespace Cvr.Cli.Tests;

/// <summary>Each documented exit code, provoked through the real command where a user can provoke it.</summary>
public class ExitCodeTests
{
    [Fact]
    public void Train_BadFeatureConfigFile_IsAUsageError()
    {
        using var dir = new TempDir();
        var config = dir.File("features.json");
        File.WriteAllText(config, """{ "target_encoding": { "targets": ["is_bogus"] } }""");
        // The config is read before the data, so no data set is needed.
        var (exit, output, err) = CliRunner.Run("train", "--data", dir.File("data"), "--out", dir.File("model"), "--config", config);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: {config}: $.target_encoding.targets[0]: unknown target 'is_bogus' (expected is_installed, is_clicked, is_like or is_installed_given_like)", err.Trim());
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Theory]
    [InlineData("""{"num_leaves": 1}""", "parameters: LightGBM refuses the parameters: Check failed: (num_leaves) > (1)")]
    [InlineData("""{"e2e": {"num_leavs": 63}}""", "parameters of 'e2e': Unknown LightGBM parameter 'num_leavs'. Did you mean 'num_leaves', 'num_class', 'num_iterations'?")]
    [InlineData("""{"e2e": {"max_bin": "many"}}""", "parameters of 'e2e': LightGBM parameter 'max_bin': 'many' is not a whole number.")]
    [InlineData("""{"stage3": {"num_leaves": 7}}""", "LightGBM parameters given for unknown model 'stage3' (expected all, e2e, like, install, click, baseline, mmoe)")]
    public void Train_BadParamsFile_IsAUsageErrorNamingTheFileBeforeAnyDataIsRead(string json, string problem)
    {
        using var dir = new TempDir();
        var file = dir.File("params.json");
        File.WriteAllText(file, json);
        // No data set exists: the parameters are checked first.
        var (exit, output, err) = CliRunner.Run("train", "--data", dir.File("data"), "--out", dir.File("model"), "--params", file);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"error: {file}: {problem}", err.Trim()); // LightGBM's own check adds where it failed
        Assert.DoesNotContain("(Parameter '", err);
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.2")]
    public void Train_SelectFeaturesOutOfRange_IsAUsageErrorBeforeAnyDataIsRead(string share)
    {
        using var dir = new TempDir();
        var (exit, output, err) = CliRunner.Run("train", "--data", dir.File("data"), "--out", dir.File("model"), "--select-features", share);
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: --select-features must be a share of the probe models' gain in (0, 1], or 0 for every feature, not {share}", err.Trim());
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Fact]
    public void Train_WeightValidationNewAdsWithoutATestSplit_IsAUsageErrorAndWritesNothing()
    {
        using var dir = new TempDir();
        Assert.Equal(0, CliRunner.Run("generate", "--out", dir.File("data"), "--scale", "0.002", "-q").Exit);
        Directory.Delete(dir.File("data/test"), recursive: true); // the rows to score, whose new-ad share the weights aim at

        var (exit, output, err) = CliRunner.Run("train", "--data", dir.File("data"), "--out", dir.File("model"), "--no-cache", "-q", "--weight-validation-new-ads");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("", output);
        Assert.Equal("error: --weight-validation-new-ads weights the validation day to the new-ad share of the rows to be scored, and this data set has no test split to score: leave the option out or add test/",
            err.Trim());
        Assert.False(Directory.Exists(dir.File("model")));
    }

    [Fact]
    public void Generate_NegativeScale_IsAUsageError()
    {
        using var dir = new TempDir();
        var (exit, _, err) = CliRunner.Run("generate", "--out", dir.File("data"), "--scale", "-1");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: --scale must be greater than 0 and at most 10 (got -1).", err.Trim());
        Assert.False(Directory.Exists(dir.File("data")));
    }

    [Fact]
    public void Generate_MoreShardsThanRows_IsAUsageError()
    {
        using var dir = new TempDir();
        // At scale 0.00001 each of the 22 train days keeps 1 or 2 rows (at least 1, else its real count rounded): 32 in all.
        var (exit, _, err) = CliRunner.Run("generate", "--out", dir.File("data"), "--scale", "0.00001", "--train-shards", "100", "-q");
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: --train-shards 100 is more than the 32 train rows at scale 1E-05.", err.Trim());
        Assert.False(Directory.Exists(dir.File("data")));
    }

    [Fact]
    public void Describe_ShardLackingAColumn_IsADataErrorNamingShardAndColumn()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("train"));
        File.WriteAllText(dir.File("train/000000000000.csv"), "f_0\tf_1\tf_2\tis_clicked\tis_installed\n1\t45\t3\t0\t1\n");
        File.WriteAllText(dir.File("train/000000000003.csv"), "f_0\tf_1\tis_clicked\tis_installed\n2\t45\t0\t1\n");
        var (exit, output, err) = CliRunner.Run("describe", "--data", dir.Path, "--no-cache");
        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Equal("", output);
        Assert.Equal("error: train/000000000003.csv: line 1: the header lacks f_2 (expected the same columns as train/000000000000.csv)", err.Trim());
    }

    [Fact]
    public void Evaluate_TruthLabelNotZeroOrOne_IsADataErrorWithNoOutput()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("sub.csv"), "RowId\tis_clicked\tis_installed\n1\t0\t0.2\n2\t0\t0.4\n");
        File.WriteAllText(dir.File("truth.csv"), "RowId\tis_installed\n1\t0\n2\t0.5\n");
        var (exit, output, err) = CliRunner.Run("evaluate", "--submission", dir.File("sub.csv"), "--truth", dir.File("truth.csv"), "--json");
        Assert.Equal(ExitCodes.DataError, exit);
        Assert.Equal("", output);
        Assert.Equal($"error: {dir.File("truth.csv")}: line 3, column is_installed: not a label '0.5' (expected 0 or 1)", err.Trim());
    }

    [Fact]
    public void Generate_OutUnderAFile_IsAnIoError()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("plain"), "a file, not a folder");
        var (exit, _, err) = CliRunner.Run("generate", "--out", dir.File("plain/data"), "--scale", "0.001", "-q");
        Assert.Equal(ExitCodes.IoError, exit);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Contains(dir.File("plain"), err, StringComparison.Ordinal);
        Assert.Equal("a file, not a folder", File.ReadAllText(dir.File("plain")));
    }

    [Fact]
    public void Predict_FolderThatIsNotABundle_IsAModelError()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("model"));
        var (exit, _, err) = CliRunner.Run("predict", "--model", dir.File("model"), "--data", dir.File("data"), "--out", dir.File("sub.csv"));
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.StartsWith($"error: {dir.File("model")}", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        Assert.False(File.Exists(dir.File("sub.csv")));
    }

    [Fact]
    public void Run_ArgumentException_IsAnInternalErrorWithTheStackTraceOnlyWhenVerbose()
    {
        var (exit, err) = RunBody(verbose: false, () => throw new ArgumentException("a guard failed"));
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Equal("internal error: ArgumentException: a guard failed (run with --verbose for the stack trace)", err.Trim());

        (exit, err) = RunBody(verbose: true, () => throw new ArgumentException("a guard failed"));
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.StartsWith("internal error: ArgumentException: a guard failed" + Environment.NewLine, err, StringComparison.Ordinal);
        Assert.Contains("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LightGbmException_IsAnInternalErrorWithLightGbmsMessage()
    {
        var failure = new LightGbmException("LGBM_BoosterUpdateOneIter", "Check failed: (num_leaves) > (1)");
        var (exit, err) = RunBody(verbose: false, () => throw failure);
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.Equal("error: LGBM_BoosterUpdateOneIter failed: Check failed: (num_leaves) > (1) (run with --verbose for the stack trace)", err.Trim());

        (exit, err) = RunBody(verbose: true, () => throw failure);
        Assert.Equal(ExitCodes.InternalError, exit);
        Assert.StartsWith("error: LGBM_BoosterUpdateOneIter failed: Check failed: (num_leaves) > (1)" + Environment.NewLine, err, StringComparison.Ordinal);
        Assert.Contains("   at ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ConfigurationException_IsAUsageErrorWithoutStackTrace()
    {
        var (exit, err) = RunBody(verbose: false, () => throw new ConfigurationException("--threads must be positive"));
        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Equal("error: --threads must be positive", err.Trim());
    }

    /// <summary>Runs a command body through <see cref="CliContext.Run"/> with or without --verbose.</summary>
    private static (int Exit, string Err) RunBody(bool verbose, Func<int> body)
    {
        var root = new RootCommand { CliContext.VerboseOption, CliContext.QuietOption };
        var parse = root.Parse(verbose ? ["-v"] : []);
        var stderr = new StringWriter();
        var exit = new CliContext(new StringWriter(), stderr, Program.MemberKinds()).Run(parse, (_, _) => body(), CancellationToken.None);
        return (exit, stderr.ToString());
    }
}

/// <summary>A tiny generated data set and a bundle trained on it in seconds, for the model-error tests.</summary>
public sealed class TinyBundle : IDisposable
{
    public TinyBundle()
    {
        Directory = new TempDir();
        Data = Directory.File("data");
        Model = Directory.File("model");
        Cvr.Data.Synthetic.SyntheticData.Generate(Data, new Cvr.Data.Synthetic.GeneratorOptions(Scale: 0.003, Seed: 3));
        var (exit, _, err) = CliRunner.Run("train", "--data", Data, "--out", Model, "--threads", "1", "--max-rounds", "5",
            "--early-stopping", "2", "--no-baseline", "--no-cache", "-q");
        if (exit != ExitCodes.Success) { throw new InvalidOperationException($"training the tiny bundle failed ({exit}): {err}"); }
    }

    internal TempDir Directory { get; }

    public string Data { get; }

    public string Model { get; }

    public void Dispose() => Directory.Dispose();
}

[Trait("Category", "LightGbm")]
public class BundleExitCodeTests(TinyBundle bundle) : IClassFixture<TinyBundle>
{
    [Fact]
    public void Predict_TheTinyBundle_Succeeds()
    {
        using var dir = new TempDir();
        var (exit, _, err) = CliRunner.Run("predict", "--model", bundle.Model, "--data", bundle.Data, "--out", dir.File("sub.csv"), "--no-cache", "-q");
        Assert.True(exit == ExitCodes.Success, err);
    }

    [Fact]
    public void Predict_BundleWithACorruptedModelFile_IsAModelError()
    {
        using var dir = new TempDir();
        var copy = dir.File("model");
        System.IO.Directory.CreateDirectory(copy);
        foreach (var file in System.IO.Directory.GetFiles(bundle.Model))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        var model = Path.Combine(copy, "e2e.txt");
        File.WriteAllText(model, File.ReadAllText(model).Replace("num_leaves=", "num_leaves=9", StringComparison.Ordinal));

        var (exit, _, err) = CliRunner.Run("predict", "--model", copy, "--data", bundle.Data, "--out", dir.File("sub.csv"), "--no-cache");
        Assert.Equal(ExitCodes.ModelError, exit);
        Assert.StartsWith($"error: {model}", err, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.File("sub.csv")));
    }
}
