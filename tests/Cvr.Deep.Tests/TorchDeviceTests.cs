using Cvr;
using TorchSharp;

namespace Cvr.Deep.Tests;

public sealed class TorchDeviceTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu")]
    [InlineData("CPU")]
    public void Select_UnsetOrCpu_IsTheCpuEvenWithCuda(string? requested)
        => Assert.Equal(DeviceType.CPU, TorchDevice.Select(requested, () => true).type);

    [Fact]
    public void Select_CudaWithoutACudaLibtorch_IsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => TorchDevice.Select("cuda", () => false));
        Assert.StartsWith("CVR_TORCH_DEVICE=cuda, but the loaded libtorch has no CUDA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Select_UnknownDevice_IsAConfigurationError()
    {
        var error = Assert.Throws<ConfigurationException>(() => TorchDevice.Select("gpu0", () => true));
        Assert.Equal("CVR_TORCH_DEVICE=gpu0: unknown device (expected cpu or cuda)", error.Message);
    }
}
