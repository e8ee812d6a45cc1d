using System.Buffers;
using System.Text.Json;
using Cvr.Data;
using Microsoft.Extensions.Logging;

namespace Cvr.Modeling.Explaining;

/// <summary><c>cvr explain</c>'s work: explain rows of a data set's test split with a bundle into a JSON Lines file.</summary>
public static class ExplainFile
{
    /// <summary>Writes one <see cref="ExplanationJson"/> object per selected row (all when <paramref name="rows"/> is
    /// null), in the data's order, atomically: a failed run leaves no file. Returns the number of rows written.</summary>
    /// <param name="top">Features listed per model (0: all).</param>
    /// <param name="threads">LightGBM's threads (null: all cores); the output does not depend on it.</param>
    /// <param name="kinds">The member kinds that reload the bundle's ensemble members; none when null.</param>
    public static int Write(string modelDir, string dataDir, string outFile, RowSelection? rows, int top, int? threads,
        DataSetOptions data, ILogger logger, PhaseTimer timer, EnsembleMemberKinds? kinds = null)
    {
        if (top < 0)
        {
            throw new ConfigurationException("top", $"{top}: expected the number of features to list per model (0: all)");
        }
        var (system, manifest) = timer.Time("read bundle", () => ModelBundleLoader.Load(modelDir, kinds));
        using (system)
        {
            var explainer = new Explainer(system);
            if (explainer.Unexplainable is { } why)
            {
                throw new ModelBundleException($"{modelDir}: {why}");
            }
            var test = Workflow.ReadTest(dataDir, manifest, data, logger, timer);
            var positions = rows?.Positions(test.RowIds, Path.Combine(dataDir, DataSet.TestFolder)) ?? [.. Enumerable.Range(0, test.RowCount)];
            timer.Time("explain", () => IO.AtomicFile.Write(outFile, stream =>
            {
                var buffer = new ArrayBufferWriter<byte>(1 << 16);
                // The escaping cvr serve answers with, so a line and an answer's element are the same text.
                using var writer = new Utf8JsonWriter(buffer, ExplanationJson.WriterOptions);
                foreach (var row in explainer.Explain(test, positions, threads))
                {
                    ExplanationJson.Write(writer, row, explainer.FeatureNames, top);
                    writer.Flush();
                    buffer.Write("\n"u8);
                    stream.Write(buffer.WrittenSpan);
                    buffer.ResetWrittenCount();
                    writer.Reset(buffer);
                }
            }));
            logger.LogInformation("explained {Rows:N0} rows into {File}", positions.Length, outFile);
            return positions.Length;
        }
    }
}
