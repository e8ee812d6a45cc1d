using System.Diagnostics;

namespace Cvr.Cli.Tests;

/// <summary>A real `cvr` process killed with SIGKILL mid-write: its hidden temporary stays, and the next writer of the
/// same output removes it. No timing: the kill waits until the temporary exists.</summary>
public class CrashLitterTests
{
    // The CLI builds next to this project: .../src/Cvr.Cli/bin/<configuration>/<tfm>/.
    private static string CliPath => Path.Combine(
        AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}tests{Path.DirectorySeparatorChar}Cvr.Cli.Tests{Path.DirectorySeparatorChar}",
            $"{Path.DirectorySeparatorChar}src{Path.DirectorySeparatorChar}Cvr.Cli{Path.DirectorySeparatorChar}", StringComparison.Ordinal),
        "Cvr.Cli.dll");

    [Fact]
    public void Generate_KilledMidWrite_ItsTemporaryIsRemovedByTheNextRun()
    {
        using var dir = new TempDir();
        var data = dir.File("data");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { CliPath, "generate", "--out", data, "--scale", "0.05", "-q" }) { start.ArgumentList.Add(a); }
        string? temp;
        int pid;
        using (var child = Process.Start(start) ?? throw new InvalidOperationException("could not start cvr"))
        {
            pid = child.Id;
            // Scale 0.05 takes seconds to generate into its temporary folder; once the folder exists, it is mid-write.
            while ((temp = Directory.GetFileSystemEntries(dir.Path).FirstOrDefault(e => Path.GetFileName(e).StartsWith(".data.tmp-", StringComparison.Ordinal))) is null)
            {
                if (child.HasExited)
                {
                    Assert.Fail($"cvr generate ended (exit {child.ExitCode}) before its temporary was seen: {child.StandardError.ReadToEnd()}");
                }
                Thread.Sleep(5);
            }
            child.Kill(); // SIGKILL: no handler, no clean-up
            child.WaitForExit();
        }
        Assert.True(Directory.Exists(temp));
        Assert.False(Directory.Exists(data));
        Assert.Contains($"-{pid}-", Path.GetFileName(temp), StringComparison.Ordinal);

        var (exit, _, err) = CliRunner.Run("generate", "--out", data, "--scale", "0.001", "-q");

        Assert.True(exit == 0, err);
        Assert.True(Directory.Exists(data));
        Assert.Equal([data], Directory.GetFileSystemEntries(dir.Path));
    }
}
