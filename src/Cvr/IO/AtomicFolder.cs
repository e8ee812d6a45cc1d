namespace Cvr.IO;

/// <summary>
/// Output folders written whole or not at all: build in a hidden sibling (same file system, so the final rename
/// is atomic), then move it into place. An existing target is moved aside first and deleted only once the new
/// folder is in place; if the swap fails the old folder is put back.
/// </summary>
internal static class AtomicFolder
{
    /// <summary>A fresh hidden sibling of <paramref name="target"/> to build into, named after this process
    /// (<see cref="Temporaries"/>); first removes the siblings that writers of the same target left when they died.</summary>
    public static string TemporarySibling(string target)
    {
        var full = Path.GetFullPath(target);
        Temporaries.RemoveStale(full);
        return Temporaries.Name(full, Temporaries.Current);
    }

    public static void MoveIntoPlace(string temp, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(temp, target);
            return;
        }
        var aside = temp + Temporaries.AsideSuffix;
        Directory.Move(target, aside);
        try
        {
            Directory.Move(temp, target);
        }
        catch
        {
            Directory.Move(aside, target);
            throw;
        }
        TryDelete(aside);
    }

    /// <summary>Best effort: after a failure, the original error matters more than a leftover temporary folder.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) { Directory.Delete(folder, recursive: true); }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // left for the user to remove; it is hidden and named .tmp
        }
    }
}
