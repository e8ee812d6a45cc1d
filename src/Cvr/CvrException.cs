namespace Cvr;

/// <summary>What kind of user-facing fault a <see cref="CvrException"/> is. A program maps each to its answer in one
/// place: the CLI to an exit code (<c>ExitCodes.Of</c>), the server to its status.</summary>
public enum ErrorCategory
{
    /// <summary>A setting that can't be used: out of range, unknown, or contradicting another (<see cref="ConfigurationException"/>).</summary>
    Usage,

    /// <summary>Input data that can't be read (<see cref="Data.DataFormatException"/>: file, line, column) or, read,
    /// can't serve what was asked of it (<see cref="DataContentException"/>: no installs to learn from).</summary>
    Data,

    /// <summary>A model bundle that is missing, corrupted, edited or from an incompatible version (<see cref="Modeling.ModelBundleException"/>).</summary>
    Model,
}

/// <summary>
/// The base of every fault cvr reports to its user rather than treats as a bug: the message is the whole report (it
/// says where and what was expected), and <see cref="Category"/> says what kind of fault it is. Anything else thrown
/// is a bug (an <see cref="ArgumentException"/> is a programmer's guard), apart from the system's own I/O errors.
/// </summary>
public abstract class CvrException : Exception
{
    protected CvrException(string message, Exception? innerException = null) : base(message, innerException) { }

    public abstract ErrorCategory Category { get; }
}

/// <summary>Data that was read without fault but can't serve what was asked: no liked or installed training rows to
/// learn from, no installs on the validation day to calibrate on, a column the bundle needs missing from the rows.</summary>
public sealed class DataContentException(string message) : CvrException(message)
{
    public override ErrorCategory Category => ErrorCategory.Data;
}
