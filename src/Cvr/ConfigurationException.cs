namespace Cvr;

/// <summary>
/// Bad usage or configuration: a setting out of range, a feature config or LightGBM parameter file that can't be
/// used, settings that contradict each other, a study that belongs to another run. Bugs (a programmer's guard
/// failing) stay <see cref="ArgumentException"/> and are internal errors.
/// </summary>
/// <remarks>
/// A fault of one setting names it as a library caller knows it (<see cref="Setting"/>: <c>select_features</c>, the
/// option's name in <c>TrainingOptions</c>' JSON or the property it sets), and its message starts with that name; a
/// program with another spelling for it (the CLI's <c>--select-features</c>) puts its own in its place.
/// </remarks>
public class ConfigurationException : CvrException
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>A fault of <paramref name="setting"/>: the message is the setting's name followed by <paramref name="problem"/>
    /// (e.g. "tree_rows must be a number of rows, not -1", "machines: 'x' is not HOST:PORT").</summary>
    public ConfigurationException(string setting, string problem, Exception? innerException = null)
        : base(setting + (problem.StartsWith(':') ? "" : " ") + problem, innerException)
    {
        Setting = setting;
    }

    public override ErrorCategory Category => ErrorCategory.Usage;

    /// <summary>The one setting at fault, when there is one; the message then starts with it.</summary>
    public string? Setting { get; }
}
