namespace Cvr;

/// <summary>
/// Bad usage or configuration: a command-line value out of range, a feature config or LightGBM parameter file
/// that can't be used, options that contradict each other, a study that belongs to another run. The CLI maps it
/// to exit code 2. Bugs (a programmer's guard failing) stay <see cref="ArgumentException"/> and are internal errors.
/// </summary>
public class ConfigurationException : Exception
{
    public ConfigurationException(string message) : base(message) { }

    public ConfigurationException(string message, Exception innerException) : base(message, innerException) { }
}
