namespace Cvr.Tuning;

/// <summary>A study file that can't be read: not JSON, or JSON that isn't a study. The message names the file and
/// the entry at fault (e.g. <c>trials[3].state</c>); <c>cvr tune</c> reports it as bad input data (exit code 3).</summary>
public sealed class StudyFileException(string path, string problem) : Exception($"{path}: {problem}")
{
    public string Path { get; } = path;

    /// <summary>What is wrong, without the path.</summary>
    public string Problem { get; } = problem;
}
