namespace Cvr.LightGbm;

/// <summary>A LightGBM C API call failed; <see cref="NativeMessage"/> is LightGBM's own text.</summary>
public sealed class LightGbmException : Exception
{
    public LightGbmException() : this("(unknown)", "(no message)") { }

    public LightGbmException(string message) : base(message)
    {
        Call = "(managed)";
        NativeMessage = message;
    }

    public LightGbmException(string message, Exception innerException) : base(message, innerException)
    {
        Call = "(managed)";
        NativeMessage = message;
    }

    public LightGbmException(string call, string nativeMessage)
        : base($"{call} failed: {nativeMessage}")
    {
        Call = call;
        NativeMessage = nativeMessage;
    }

    /// <summary>The C API function that returned an error, e.g. <c>LGBM_BoosterCreate</c>.</summary>
    public string Call { get; }

    /// <summary>The text of <c>LGBM_GetLastError()</c> read right after the failing call.</summary>
    public string NativeMessage { get; }
}
