using TorchSharp;
using static TorchSharp.torch;

namespace Cvr.Deep.Tests;

/// <summary>The build's libLibTorchSharp.so fix (Directory.Build.targets): torch loads and trains in this test host.</summary>
public sealed class TorchLoadTests
{
    [Fact]
    public void Torch_loads_and_a_small_network_learns()
    {
        random.manual_seed(1);
        var x = rand(256, 4);
        var y = (x[.., 0] + x[.., 1] > 1).to_type(ScalarType.Float32).unsqueeze(1);
        var net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1));
        var optimizer = optim.Adam(net.parameters(), lr: 0.05);
        var loss = nn.BCEWithLogitsLoss();
        float first = 0, last = 0;
        for (var step = 0; step < 100; step++)
        {
            optimizer.zero_grad();
            var l = loss.forward(net.forward(x), y);
            l.backward();
            optimizer.step();
            if (step == 0) { first = l.item<float>(); }
            last = l.item<float>();
        }
        Assert.True(last < first * 0.5, $"loss {first} → {last}");
    }
}
