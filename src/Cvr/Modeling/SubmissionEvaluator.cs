using System.Text.Json.Serialization;
using Cvr.Data;

namespace Cvr.Modeling;

/// <summary>Metrics of a submission file against known labels (and true probabilities, for generated data).</summary>
public sealed record SubmissionMetrics(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("install_rate")] double InstallRate,
    [property: JsonPropertyName("is_installed")] MetricRow Installed,
    [property: JsonPropertyName("truth")] MetricRow? Truth,
    [property: JsonPropertyName("is_clicked")] MetricRow? Clicked);

public static class SubmissionEvaluator
{
    public const string TruthProbability = "p_installed";

    /// <summary>The truth file behind <paramref name="path"/>: the file itself, or a generated data set's truth/test.csv.</summary>
    public static string ResolveTruth(string path)
    {
        if (File.Exists(path)) { return path; }
        var candidate = Path.Combine(path, "truth", "test.csv");
        if (File.Exists(candidate)) { return candidate; }
        candidate = Path.Combine(path, "test.csv");
        if (File.Exists(candidate)) { return candidate; }
        throw DataError.File(path, "no truth file (expected a file with RowId and is_installed columns, or a generated data set folder with truth/test.csv)");
    }

    public static SubmissionMetrics Evaluate(string submissionPath, string truthPath)
    {
        var truthFile = ResolveTruth(truthPath);
        var submission = NumericTable.Read(submissionPath, Submission.Header, []);
        var truth = NumericTable.Read(truthFile, [Submission.RowIdColumn, Schema.InstallLabel], [Schema.ClickLabel, TruthProbability]);
        var position = new Dictionary<long, int>(submission.Rows);
        var ids = submission.Column(Submission.RowIdColumn);
        var predicted = submission.Column(Schema.InstallLabel);
        for (var i = 0; i < ids.Length; i++)
        {
            if (!position.TryAdd((long)ids[i], i))
            {
                throw DataError.At(submissionPath, i + 2, Submission.RowIdColumn, ((long)ids[i]).ToString(System.Globalization.CultureInfo.InvariantCulture), "duplicate RowId", "expected one line per test row");
            }
        }
        CheckProbabilities(submissionPath, Schema.InstallLabel, predicted);
        CheckProbabilities(submissionPath, Schema.ClickLabel, submission.Column(Schema.ClickLabel));
        var truthIds = truth.Column(Submission.RowIdColumn);
        var order = new int[truthIds.Length];
        for (var t = 0; t < truthIds.Length; t++)
        {
            if (!position.TryGetValue((long)truthIds[t], out order[t]))
            {
                throw DataError.File(submissionPath, $"no row for RowId {(long)truthIds[t]} (line {t + 2} of {truthFile}; expected one line per test row)");
            }
        }
        if (submission.Rows != truth.Rows)
        {
            throw DataError.File(submissionPath, $"{submission.Rows} rows but the truth has {truth.Rows} (expected exactly the test rows)");
        }
        var labels = Labels(truthFile, Schema.InstallLabel, truth.Column(Schema.InstallLabel));
        if (truth.Has(TruthProbability)) { CheckProbabilities(truthFile, TruthProbability, truth.Column(TruthProbability)); }
        var p = order.Select(i => predicted[i]).ToArray();
        double? truthLogLoss = truth.Has(TruthProbability) ? Metrics.LogLoss(labels, truth.Column(TruthProbability)) : null;
        MetricRow? clicked = null;
        var clickedPredictions = submission.Column(Schema.ClickLabel);
        if (truth.Has(Schema.ClickLabel) && clickedPredictions.Any(v => v != 0))
        {
            var clickLabels = Labels(truthFile, Schema.ClickLabel, truth.Column(Schema.ClickLabel));
            clicked = MetricRow.Of("is_clicked", clickLabels, order.Select(i => clickedPredictions[i]).ToArray());
        }
        return new SubmissionMetrics(labels.Length, Metrics.Rate(labels), MetricRow.Of("is_installed", labels, p, truthLogLoss),
            truthLogLoss is null ? null : MetricRow.Of("true probabilities", labels, truth.Column(TruthProbability), truthLogLoss), clicked);
    }

    /// <summary>
    /// Every value a probability. Written as <c>!(v &gt;= 0 &amp;&amp; v &lt;= 1)</c> so that NaN fails too (every comparison
    /// with NaN is false; <c>v is &lt; 0 or &gt; 1</c> let it through). Line numbers: the header is line 1.
    /// </summary>
    internal static void CheckProbabilities(string file, string column, double[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (!(values[i] >= 0 && values[i] <= 1))
            {
                throw DataError.At(file, i + 2, column, Show(values[i]), "not a probability", "expected a value from 0 to 1");
            }
        }
    }

    /// <summary>Labels as bytes, each checked to be 0 or 1 (a cast alone would turn 0.5 into 0 and 2 into 2).</summary>
    internal static byte[] Labels(string file, string column, double[] values)
    {
        var labels = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            labels[i] = values[i] switch
            {
                0 => 0,
                1 => 1,
                _ => throw DataError.At(file, i + 2, column, Show(values[i]), "not a label", "expected 0 or 1"),
            };
        }
        return labels;
    }

    private static string Show(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
