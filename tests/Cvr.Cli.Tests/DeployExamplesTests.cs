using System.CommandLine;
using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace Cvr.Cli.Tests;

/// <summary>
/// The scheduler examples in deploy/ parse, start <c>cvr train</c> with options cvr's own parser accepts, and give every
/// rank a distinct rank and the same machine list, as many machines as ranks.
/// </summary>
public class DeployExamplesTests
{
    private static readonly string s_deploy = Path.Combine(Repository.Root(), "deploy");

    [Fact]
    public void Kubernetes_IndexedJob_RanksFromCompletionIndexAndMachinesFromTheHeadlessService()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(s_deploy, "kubernetes", "train-job.yaml"))) { stream.Load(reader); }
        var documents = stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToArray();
        var service = documents.Single(d => Scalar(d, "kind") == "Service");
        var job = documents.Single(d => Scalar(d, "kind") == "Job");
        var serviceName = Scalar(service, "metadata", "name");
        var jobName = Scalar(job, "metadata", "name");
        Assert.Equal("None", Scalar(service, "spec", "clusterIP"));
        Assert.Equal("true", Scalar(service, "spec", "publishNotReadyAddresses"));
        Assert.Equal(jobName, Scalar(service, "spec", "selector", "job-name"));
        var port = Scalar((YamlMappingNode)((YamlSequenceNode)Node(service, "spec", "ports")).Children[0], "port");
        Assert.Equal("Indexed", Scalar(job, "spec", "completionMode"));
        Assert.Equal("0", Scalar(job, "spec", "backoffLimit"));
        var ranks = int.Parse(Scalar(job, "spec", "completions"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(ranks.ToString(System.Globalization.CultureInfo.InvariantCulture), Scalar(job, "spec", "parallelism"));
        Assert.Equal(serviceName, Scalar(job, "spec", "template", "spec", "subdomain"));
        var container = (YamlMappingNode)((YamlSequenceNode)Node(job, "spec", "template", "spec", "containers")).Children[0];
        var command = ((YamlSequenceNode)Node(container, "command")).Children.Select(c => ((YamlScalarNode)c).Value!).ToArray();
        Assert.Equal(["sh", "-c"], command[..2]);
        Assert.Contains("--rank \"$JOB_COMPLETION_INDEX\"", command[2], StringComparison.Ordinal);

        for (var rank = 0; rank < ranks; rank++)
        {
            var words = command[2].Replace("\"$JOB_COMPLETION_INDEX\"", rank.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(["exec", "/app/cvr"], words[..2]);
            var machines = AssertTrainCommand(words[2..], rank);
            Assert.Equal(Enumerable.Range(0, ranks).Select(i => $"{jobName}-{i}.{serviceName}:{port}"), machines);
        }
    }

    [Fact]
    public void Slurm_Sbatch_RanksFromProcIdOnTheAllocationsNodes()
    {
        var script = Path.Combine(s_deploy, "slurm", "train.sbatch");
        var text = File.ReadAllText(script);
        Assert.Contains("#SBATCH --ntasks-per-node=1", text, StringComparison.Ordinal);
        Assert.Contains("srun --kill-on-bad-exit=1", text, StringComparison.Ordinal);
        using var dir = new TempDir();
        // Stand-ins for Slurm and cvr: scontrol lists two nodes, srun runs its command once per node with that task's
        // SLURM_PROCID (as one task per node does), and "cvr" writes the arguments it was given, one per line.
        var bin = Directory.CreateDirectory(dir.File("bin")).FullName;
        Executable(Path.Combine(bin, "scontrol"), "#!/bin/bash\nprintf 'node-a\\nnode-b\\n'\n");
        Executable(Path.Combine(bin, "srun"), """
            #!/bin/bash
            while [[ "$1" == --* ]]; do shift; done
            for id in 0 1; do SLURM_PROCID=$id "$@" || exit $?; done
            """);
        Executable(Path.Combine(bin, "fake-cvr"), "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$OUT_DIR/rank-$SLURM_PROCID.args\"\n");
        var start = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { script, "/shared/data", "/shared/model" }) { start.ArgumentList.Add(a); }
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        start.Environment["CVR"] = Path.Combine(bin, "fake-cvr");
        start.Environment["OUT_DIR"] = dir.Path;
        start.Environment["SLURM_JOB_ID"] = "77";
        start.Environment["SLURM_JOB_NODELIST"] = "node-[a-b]";
        start.Environment["SLURM_CPUS_PER_TASK"] = "8";
        using (var bash = Process.Start(start)!)
        {
            var err = bash.StandardError.ReadToEnd();
            bash.WaitForExit();
            Assert.True(bash.ExitCode == 0, err);
        }

        for (var rank = 0; rank < 2; rank++)
        {
            var args = File.ReadAllLines(dir.File($"rank-{rank}.args"));
            var machines = AssertTrainCommand(args, rank);
            Assert.Equal(["node-a:12400", "node-b:12400"], machines);
            Assert.Equal("/shared/.cvr-job-77", args[Array.IndexOf(args, "--shared") + 1]);
        }
    }

    /// <summary>Parses <paramref name="args"/> with cvr's own parser: <c>train</c>, no errors, the given rank; returns --machines.</summary>
    private static string[] AssertTrainCommand(string[] args, int rank)
    {
        var parse = Program.CreateRoot(new CliContext(TextWriter.Null, TextWriter.Null, Program.MemberKinds())).Parse(args);
        Assert.Empty(parse.Errors);
        Assert.Equal("train", parse.CommandResult.Command.Name);
        Assert.Equal(rank, parse.GetValue<int?>("--rank"));
        var machines = parse.GetValue<string?>("--machines")!;
        _ = Cvr.Modeling.ClusterOptions.From(machines, rank, parse.GetValue<string?>("--shared")); // cvr accepts the list
        return machines.Split(',');
    }

    private static void Executable(string path, string text)
    {
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows()) { File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
    }

    private static YamlNode Node(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            Assert.True(((YamlMappingNode)current).Children.TryGetValue(new YamlScalarNode(key), out var next), $"no {string.Join('.', path)}");
            current = next!;
        }
        return current;
    }

    private static string Scalar(YamlMappingNode node, params string[] path) => ((YamlScalarNode)Node(node, path)).Value!;
}
