using TorchSharp;

namespace Cvr.Deep;

/// <summary>
/// The one place the deep model's device is chosen: CUDA when the loaded libtorch has it (a CUDA build of
/// libtorch referenced instead of the CPU one), else the CPU. <c>CVR_TORCH_DEVICE=cpu</c> forces the CPU.
/// </summary>
internal static class TorchDevice
{
    public const string EnvironmentVariable = "CVR_TORCH_DEVICE";

    public static torch.Device Selected { get; } = Select();

    private static torch.Device Select()
    {
        var forced = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(forced, "cpu", StringComparison.OrdinalIgnoreCase))
        {
            return torch.CPU;
        }
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }
}
