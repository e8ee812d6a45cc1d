namespace Cvr.Modeling;

/// <summary>A model bundle that can't be used: missing, corrupted, edited, or from an incompatible version. The
/// message names the bundle's file at fault; the CLI maps it to exit code 5.</summary>
public sealed class ModelBundleException(string message) : CvrException(message)
{
    public override ErrorCategory Category => ErrorCategory.Model;
}
