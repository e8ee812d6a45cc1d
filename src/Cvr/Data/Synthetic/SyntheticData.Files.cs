namespace Cvr.Data.Synthetic;

public static partial class SyntheticData
{
    private const string TrainFolder = "train", TestFolder = "test", TruthFolder = "truth";
    private const string TruthPartPrefix = "train.part";

    /// <summary>The real data's shard names: 000000000000.csv, 000000000001.csv, …</summary>
    internal static string ShardName(int shard) => $"{shard:D12}.csv";

    private static long WriteAll(string root, GenerationPlan plan, World world, IProgress<GenerationProgress>? progress, CancellationToken ct)
    {
        foreach (var folder in new[] { TrainFolder, TestFolder, TruthFolder }) Directory.CreateDirectory(Path.Combine(root, folder));
        string truth = Path.Combine(root, TruthFolder);
        long total = plan.TrainRows + plan.TestRows, done = 0, bytes = 0;
        int files = plan.Shards + 1, filesDone = 0;
        void Report(int rows)
        {
            long now = Interlocked.Add(ref done, rows);
            progress?.Report(new GenerationProgress(now, total, Volatile.Read(ref filesDone), files));
        }

        var writer = new ShardWriter(world);
        // The test file first: it is the largest single item, so it should not be the straggler at the end.
        var parallel = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount };
        Parallel.For(0, files, parallel, item =>
        {
            long written;
            if (item == 0)
            {
                written = writer.Write(Streams.Test, 1, plan.TestRows, _ => RealData.TestDay, isTest: true,
                    Path.Combine(root, TestFolder, ShardName(0)), Path.Combine(truth, "test.csv"), Report, ct);
            }
            else
            {
                int shard = item - 1, start = plan.ShardStart(shard);
                written = writer.Write(Streams.FirstTrainShard + (ulong)shard, start + 1, plan.ShardEnd(shard) - start,
                    i => RealData.FirstTrainDay + plan.DayOffset[start + i], isTest: false,
                    Path.Combine(root, TrainFolder, ShardName(shard)), Path.Combine(truth, TruthPartPrefix + shard), Report, ct);
            }
            Interlocked.Add(ref bytes, written);
            Interlocked.Increment(ref filesDone);
        });
        // The parts carry no header; the joined file gets one, whose bytes the concatenation returns.
        return bytes + ConcatenateTrainTruth(truth, plan.Shards, ct);
    }

    private static long ConcatenateTrainTruth(string truth, int shards, CancellationToken ct)
    {
        string path = Path.Combine(truth, "train.csv");
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        var header = System.Text.Encoding.ASCII.GetBytes(RowFormatter.TrainTruthHeader);
        output.Write(header);
        for (int s = 0; s < shards; s++)
        {
            ct.ThrowIfCancellationRequested();
            string part = Path.Combine(truth, TruthPartPrefix + s);
            using (var input = new FileStream(part, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 20, FileOptions.SequentialScan))
                input.CopyTo(output, 1 << 20);
            File.Delete(part);
        }
        return header.Length;
    }

    private static void EnsureWritableTarget(string target, bool overwrite)
    {
        if (File.Exists(target)) throw new IOException($"Output path '{target}' is a file, not a folder.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
            throw new IOException($"Output folder '{target}' exists and is not empty; choose another folder or allow overwriting.");
        string? parent = Path.GetDirectoryName(target);
        if (parent is null) throw new ConfigurationException($"Output folder '{target}' cannot be a file-system root.");
        Directory.CreateDirectory(parent);
    }

    private static string CreateTempSibling(string target)
    {
        string temp = IO.AtomicFolder.TemporarySibling(target);
        Directory.CreateDirectory(temp);
        return temp;
    }

    /// <summary>
    /// Renames the finished folder onto the target. An existing target (empty, or non-empty with overwrite) is first
    /// renamed aside and deleted only after the new folder is in place.
    /// </summary>
    private static void MoveIntoPlace(string temp, string target, bool overwrite)
    {
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
            throw new IOException($"Output folder '{target}' was filled by someone else during generation.");
        IO.AtomicFolder.MoveIntoPlace(temp, target);
    }
}
