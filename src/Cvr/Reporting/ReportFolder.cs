namespace Cvr.Reporting;

/// <summary>
/// Writes a report's files into a folder atomically: everything goes to a hidden sibling folder that is renamed
/// onto the target at the end, so a failure leaves no partial report.
/// </summary>
internal static class ReportFolder
{
    /// <summary>Throws the error <see cref="Write"/> would, so a command can fail before its work rather than after.</summary>
    public static void Check(string outDir, bool overwrite)
    {
        var target = Path.GetFullPath(outDir);
        if (File.Exists(target)) { throw new IOException($"Output path '{outDir}' is a file, not a folder."); }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !overwrite)
        {
            throw new IOException($"Output folder '{outDir}' exists and is not empty; choose another folder or pass --overwrite.");
        }
    }

    public static void Write(string outDir, bool overwrite, params (string Name, Func<string> Content)[] files)
    {
        Check(outDir, overwrite);
        var target = Path.GetFullPath(outDir);
        var parent = Path.GetDirectoryName(target) ?? throw new ConfigurationException($"Output folder '{outDir}' cannot be a file-system root.");
        Directory.CreateDirectory(parent);
        var temp = IO.AtomicFolder.TemporarySibling(target);
        Directory.CreateDirectory(temp);
        try
        {
            foreach (var (name, content) in files) { File.WriteAllText(Path.Combine(temp, name), content()); }
            IO.AtomicFolder.MoveIntoPlace(temp, target);
        }
        catch
        {
            IO.AtomicFolder.TryDelete(temp);
            throw;
        }
    }
}
