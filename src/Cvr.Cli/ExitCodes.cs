namespace Cvr.Cli;

/// <summary>Process exit codes, one per kind of failure, so scripts can tell them apart.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A bug or an unexpected failure (the message asks for --verbose).</summary>
    public const int InternalError = 1;
    /// <summary>Bad command line (unknown option, missing value, value out of range).</summary>
    public const int Usage = 2;
    /// <summary>Bad input data: the message names file, line, column and value.</summary>
    public const int DataError = 3;
    /// <summary>A file or folder could not be read or written.</summary>
    public const int IoError = 4;
    /// <summary>A model bundle is missing, corrupted or from an incompatible version.</summary>
    public const int ModelError = 5;
    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
