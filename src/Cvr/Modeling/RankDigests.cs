using Microsoft.Extensions.Logging;

namespace Cvr.Modeling;

/// <summary>What one rank of a data-parallel job ended with: the build it ran (<see cref="ThisBuild"/>), the data it
/// read (<see cref="ModelBundle.Fingerprint"/>) and its models' digest (<see cref="ClusterTraining.Digest"/>). Kept
/// apart so that a disagreement names its cause.</summary>
internal sealed record RankReport(string Build, string Data, string Models)
{
    /// <summary>This process's code: the module version ids of cvr's core and its LightGBM binding (a deterministic
    /// build gives the same ids for the same source; the native library comes with the build's pinned package).</summary>
    public static string ThisBuild { get; } = string.Join('/',
        typeof(RankReport).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12],
        typeof(LightGbm.Booster).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12]);

    public string ToText() => $"build {Build}\ndata {Data}\nmodels {Models}\n";

    /// <summary>A report as <see cref="ToText"/> wrote it; null when the text is not one (a rank of another cvr).</summary>
    public static RankReport? Parse(string text)
    {
        var fields = text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim(), StringComparer.Ordinal);
        return fields.TryGetValue("build", out var build) && fields.TryGetValue("data", out var data) && fields.TryGetValue("models", out var models)
            ? new RankReport(build, data, models) : null;
    }
}

/// <summary>
/// The ranks' reports in the shared folder (<c>rank-R.digest</c>, written atomically): rank 0 publishes the bundle only
/// once every rank has reported what it has itself. A rank that died, hung, or ended with other models stops the job
/// there, with nothing written, and the error says why: another build (exit 2), other data (exit 3), or the same
/// build on the same data training another model (a bug: exit 1).
/// </summary>
internal sealed class RankDigests(string directory, RankPartition partition, TimeSpan timeout)
{
    private string PathOf(int rank) => Path.Combine(directory, $"rank-{rank}.digest");

    public void RemoveOwn()
    {
        Directory.CreateDirectory(directory);
        File.Delete(PathOf(partition.Rank));
    }

    public void Publish(RankReport report) => IO.AtomicFile.WriteAllText(PathOf(partition.Rank), report.ToText());

    /// <summary>Whether every other rank has published its report (it does so before closing its network).</summary>
    public bool EveryOtherRankReported() => Enumerable.Range(0, partition.Ranks).All(r => r == partition.Rank || File.Exists(PathOf(r)));

    /// <summary>Waits for every other rank's report and compares it with <paramref name="mine"/>.</summary>
    /// <exception cref="IOException">A rank reported nothing within the timeout.</exception>
    /// <exception cref="ConfigurationException">A rank ran another build of cvr.</exception>
    /// <exception cref="DataContentException">A rank read other data.</exception>
    /// <exception cref="InvalidOperationException">A rank of the same build on the same data ended with other models: a bug.</exception>
    public void AwaitAgreement(RankReport mine, ILogger logger, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        for (var r = 1; r < partition.Ranks; r++)
        {
            var file = PathOf(r);
            while (!File.Exists(file))
            {
                if (DateTime.UtcNow >= deadline)
                {
                    throw new IOException($"rank {r} reported no models in {directory} within {timeout.TotalSeconds:F0} s; the bundle is not written");
                }
                Task.Delay(TimeSpan.FromMilliseconds(200), ct).GetAwaiter().GetResult();
            }
            var theirs = RankReport.Parse(File.ReadAllText(file));
            if (theirs is null || theirs.Build != mine.Build)
            {
                throw new ConfigurationException($"rank {r} runs another build of cvr than rank 0 ({theirs?.Build ?? "unknown"} against {mine.Build}): "
                    + "start every rank from the same build; the bundle is not written");
            }
            if (theirs.Data != mine.Data)
            {
                throw new DataContentException($"rank {r} read other data than rank 0 ({theirs.Data} against {mine.Data}): every rank needs the same data set; "
                    + "the bundle is not written");
            }
            if (theirs.Models != mine.Models)
            {
                throw new InvalidOperationException($"rank {r} ended with other models than rank 0 ({theirs.Models} against {mine.Models}) from the same build "
                    + "and data; the bundle is not written");
            }
        }
        logger.LogInformation("rank 0: all {Ranks} ranks hold the same models", partition.Ranks);
    }
}
