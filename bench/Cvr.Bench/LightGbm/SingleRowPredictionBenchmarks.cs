using BenchmarkDotNet.Attributes;
using Cvr.LightGbm;
using Cvr.LightGbm.Training;

namespace Cvr.Bench.LightGbm;

/// <summary>
/// Mean and spread of one fast-path prediction (500 trees, 31 leaves, 100 features) under BenchmarkDotNet:
/// <c>dotnet run -c Release --project bench/Cvr.Bench -- --filter *SingleRow*</c>. The p99 comes from the
/// <c>lightgbm</c> harness, which times every call.
/// </summary>
[MemoryDiagnoser]
public class SingleRowPredictionBenchmarks
{
    private const int Columns = 100;
    private BenchData _data = null!;
    private Booster _booster = null!;
    private SingleRowPredictor _predictor = null!;
    private int _row;

    [GlobalSetup]
    public void Setup()
    {
        _data = BenchData.Create(20_000, Columns, seed: 5);
        var parameters = BenchData.Parameters(numLeaves: 31) with { MinDataInLeaf = 5 };
        using var train = Dataset.FromMatrix(_data.Features, _data.Rows, Columns, parameters);
        train.SetLabel(_data.Labels);
        _booster = Trainer.Train(parameters, train, 500).Booster;
        _predictor = _booster.CreateSingleRowPredictor();
    }

    [Benchmark]
    public double FastPath()
    {
        _row = (_row + 1) % _data.Rows;
        return _predictor.Predict(_data.Features.AsSpan(_row * Columns, Columns));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _predictor.Dispose();
        _booster.Dispose();
    }
}
