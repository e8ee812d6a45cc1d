using Cvr.Data;
using Cvr.Modeling;

namespace Cvr.Tests.Modeling;

public class SubmissionTests
{
    [Fact]
    public void WriteThenEvaluate_AgainstATruthFile_ScoresEveryRow()
    {
        using var dir = new TempDir();
        var submission = dir.File("sub.csv");
        Submission.Write(submission, [3, 1, 2], [0.9, 0.2, 0.4], null);
        Assert.Equal("RowId\tis_clicked\tis_installed\n3\t0\t0.9\n1\t0\t0.2\n2\t0\t0.4\n", File.ReadAllText(submission));
        dir.Write("truth/test.csv", "RowId\tis_clicked\tis_installed\tp_installed\n1\t0\t0\t0.1\n2\t1\t1\t0.5\n3\t0\t1\t0.8\n");
        var metrics = SubmissionEvaluator.Evaluate(submission, dir.Path);
        var expected = -(Math.Log(0.8) + Math.Log(0.4) + Math.Log(0.9)) / 3;
        Assert.Equal(expected, metrics.Installed.LogLoss, 12);
        Assert.NotNull(metrics.Truth);
        Assert.Equal(1.0, metrics.Installed.Auc, 12);
    }

    [Fact]
    public void Evaluate_MissingRow_SaysWhich()
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", "RowId\tis_clicked\tis_installed\n1\t0\t0.2\n");
        dir.Write("truth.csv", "RowId\tis_installed\n1\t0\n2\t1\n");
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, dir.File("truth.csv")));
        Assert.Equal($"{submission}: no row for RowId 2 (line 3 of {dir.File("truth.csv")}; expected one line per test row)", e.Message);
    }

    [Fact]
    public void Evaluate_NotAProbability_NamesLineAndValue()
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", "RowId\tis_clicked\tis_installed\n1\t0\t1.5\n");
        dir.Write("truth.csv", "RowId\tis_installed\n1\t0\n");
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, dir.File("truth.csv")));
        Assert.Equal($"{submission}: line 2, column is_installed: not a probability '1.5' (expected a value from 0 to 1)", e.Message);
    }

    [Fact]
    public void Evaluate_UnparsableValue_NamesLineAndColumn()
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", "RowId\tis_clicked\tis_installed\n1\t0\tabc\n");
        dir.Write("truth.csv", "RowId\tis_installed\n1\t0\n");
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, dir.File("truth.csv")));
        Assert.Equal($"{submission}: line 2, column is_installed: cannot parse 'abc' (expected a finite number)", e.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void Evaluate_NonFinitePrediction_NamesLineAndValue(string value)
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", $"RowId\tis_clicked\tis_installed\n1\t0\t0.5\n2\t0\t{value}\n");
        dir.Write("truth.csv", "RowId\tis_installed\n1\t0\n2\t1\n");
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, dir.File("truth.csv")));
        Assert.Equal($"{submission}: line 3, column is_installed: cannot parse '{value}' (expected a finite number)", e.Message);
    }

    [Theory]
    [InlineData("is_installed", "RowId\tis_clicked\tis_installed\n1\t0\t0\n2\t0\t0.5\n", "0.5", "not a label", "expected 0 or 1")]
    [InlineData("is_installed", "RowId\tis_clicked\tis_installed\n1\t0\t0\n2\t0\t2\n", "2", "not a label", "expected 0 or 1")]
    [InlineData("is_clicked", "RowId\tis_clicked\tis_installed\n1\t0\t0\n2\t-1\t1\n", "-1", "not a label", "expected 0 or 1")]
    [InlineData("p_installed", "RowId\tis_installed\tp_installed\n1\t0\t0.2\n2\t1\t1.25\n", "1.25", "not a probability", "expected a value from 0 to 1")]
    public void Evaluate_BadTruthValue_NamesFileLineColumnAndValue(string column, string truth, string value, string problem, string expected)
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", "RowId\tis_clicked\tis_installed\n1\t0.1\t0.2\n2\t0.3\t0.4\n");
        var truthFile = dir.Write("truth.csv", truth);
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, truthFile));
        Assert.Equal($"{truthFile}: line 3, column {column}: {problem} '{value}' ({expected})", e.Message);
        Assert.Equal((truthFile, 3L, column, value), (e.File, e.Line, e.Column, e.Value));
    }

    [Fact]
    public void Evaluate_ClickPredictionNotAProbability_NamesLineAndValue()
    {
        using var dir = new TempDir();
        var submission = dir.Write("sub.csv", "RowId\tis_clicked\tis_installed\n1\t1.5\t0.2\n");
        dir.Write("truth.csv", "RowId\tis_clicked\tis_installed\n1\t1\t0\n");
        var e = Assert.Throws<DataFormatException>(() => SubmissionEvaluator.Evaluate(submission, dir.File("truth.csv")));
        Assert.Equal($"{submission}: line 2, column is_clicked: not a probability '1.5' (expected a value from 0 to 1)", e.Message);
    }
}
