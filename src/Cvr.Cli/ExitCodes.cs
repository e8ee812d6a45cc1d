namespace Cvr.Cli;

/// <summary>
/// Process exit codes, one per kind of failure, so scripts can tell them apart. <see cref="CliContext.Run"/> is
/// the one place that maps an exception to a code; the type each code stands for is named below.
/// </summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>
    /// A bug or an unexpected failure: any exception not named below, including <see cref="ArgumentException"/>
    /// (a programmer's guard, printed as "internal error: ...") and <c>Cvr.LightGbm.LightGbmException</c> (the
    /// native library failed, printed with LightGBM's own message). The stack trace comes with --verbose.
    /// </summary>
    public const int InternalError = 1;

    /// <summary>
    /// Bad command line or configuration: System.CommandLine's parse errors (unknown option, missing value) and
    /// <see cref="Cvr.ErrorCategory.Usage"/>, <see cref="Cvr.ConfigurationException"/> (a value out of range, options
    /// that contradict each other, a feature config or parameters file that can't be used; <c>FeatureConfigException</c> is one).
    /// </summary>
    public const int Usage = 2;

    /// <summary>Bad input data, <see cref="Cvr.ErrorCategory.Data"/>: <see cref="Cvr.Data.DataFormatException"/> (the message
    /// names file, line, column and value; a study file's fault is one) and <see cref="Cvr.DataContentException"/>
    /// (data read but unusable as asked: no installs to learn from, a column the bundle needs).</summary>
    public const int DataError = 3;

    /// <summary>A file or folder could not be read or written: <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
    public const int IoError = 4;

    /// <summary>A model bundle is missing, corrupted or from an incompatible version, <see cref="Cvr.ErrorCategory.Model"/>:
    /// <see cref="Cvr.Modeling.ModelBundleException"/>.</summary>
    public const int ModelError = 5;

    /// <summary>Interrupted (Ctrl+C): <see cref="OperationCanceledException"/>.</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code of each category of <see cref="Cvr.CvrException"/>: the one mapping.</summary>
    public static int Of(Cvr.ErrorCategory category) => category switch
    {
        Cvr.ErrorCategory.Usage => Usage,
        Cvr.ErrorCategory.Data => DataError,
        Cvr.ErrorCategory.Model => ModelError,
        _ => InternalError,
    };
}
