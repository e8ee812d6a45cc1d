using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>Rank 0's check before it publishes a data-parallel job's bundle: every rank reported, and a disagreement
/// names its cause (another build, other data, other models) as the error a user can act on.</summary>
public class RankDigestsTests
{
    private static readonly RankReport Mine = new(RankReport.ThisBuild, "data-a", "sha256:aaaa");

    private static Exception? Check(string? rank1, int timeoutMs = 5_000)
    {
        using var dir = new TempDir();
        if (rank1 is not null) { new RankDigests(dir.Path, new RankPartition(1, 2), TimeSpan.Zero).RemoveOwn(); File.WriteAllText(dir.File("rank-1.digest"), rank1); }
        var digests = new RankDigests(dir.Path, new RankPartition(0, 2), TimeSpan.FromMilliseconds(timeoutMs));
        return Record.Exception(() => digests.AwaitAgreement(Mine, NullLogger.Instance, CancellationToken.None));
    }

    [Fact]
    public void AwaitAgreement_SameReport_Agrees() => Assert.Null(Check(Mine.ToText()));

    [Fact]
    public void AwaitAgreement_AnotherBuild_IsAUsageErrorNamingBoth()
    {
        var e = Assert.IsType<ConfigurationException>(Check((Mine with { Build = "0123456789ab/ba9876543210" }).ToText()));
        Assert.Contains("rank 1 runs another build of cvr than rank 0 (0123456789ab/ba9876543210 against", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAgreement_AReportOfAnOlderCvr_IsAnotherBuild()
        => Assert.IsType<ConfigurationException>(Check("sha256:aaaa\n")); // the digest alone, as cvr wrote it before

    [Fact]
    public void AwaitAgreement_OtherData_IsADataError()
    {
        var e = Assert.IsType<DataContentException>(Check((Mine with { Data = "data-b", Models = "sha256:bbbb" }).ToText()));
        Assert.Contains("rank 1 read other data than rank 0 (data-b against data-a)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAgreement_OtherModelsFromTheSameBuildAndData_IsABug()
    {
        var e = Assert.IsType<InvalidOperationException>(Check((Mine with { Models = "sha256:bbbb" }).ToText()));
        Assert.Contains("rank 1 ended with other models than rank 0 (sha256:bbbb against sha256:aaaa)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AwaitAgreement_NoReport_IsAnIoErrorAfterTheTimeout()
    {
        var e = Assert.IsType<IOException>(Check(null, timeoutMs: 300));
        Assert.StartsWith("rank 1 reported no models", e.Message, StringComparison.Ordinal);
    }
}
