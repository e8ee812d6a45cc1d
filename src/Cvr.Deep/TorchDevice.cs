using TorchSharp;

namespace Cvr.Deep;

/// <summary>
/// The one place the deep model's device is chosen: the CPU unless <c>CVR_TORCH_DEVICE=cuda</c> asks for CUDA (and the
/// loaded libtorch has it: a CUDA build of libtorch referenced instead of the CPU one). The CPU by default, so the same
/// seed gives the same weights on every machine whatever its GPU: CUDA's kernels round differently.
/// </summary>
internal static class TorchDevice
{
    public const string EnvironmentVariable = "CVR_TORCH_DEVICE";

    private static readonly Lazy<torch.Device> s_selected =
        new(() => Select(Environment.GetEnvironmentVariable(EnvironmentVariable), () => torch.cuda.is_available()));

    /// <summary>The device of this process (a bad <c>CVR_TORCH_DEVICE</c> throws its <see cref="Cvr.ConfigurationException"/> here).</summary>
    public static torch.Device Selected => s_selected.Value;

    /// <summary>The device <paramref name="requested"/> names (null or empty: the CPU).</summary>
    /// <exception cref="ConfigurationException">An unknown device, or CUDA without a CUDA build of libtorch.</exception>
    internal static torch.Device Select(string? requested, Func<bool> cudaAvailable)
    {
        if (string.IsNullOrEmpty(requested) || string.Equals(requested, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return torch.CPU;
        }
        if (!string.Equals(requested, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            throw new Cvr.ConfigurationException($"{EnvironmentVariable}={requested}: unknown device (expected cpu or cuda)");
        }
        return cudaAvailable() ? torch.CUDA
            : throw new Cvr.ConfigurationException($"{EnvironmentVariable}=cuda, but the loaded libtorch has no CUDA (reference a CUDA build of libtorch instead of libtorch-cpu-linux-x64)");
    }
}
