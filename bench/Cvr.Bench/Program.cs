using Cvr.Bench.LightGbm;

// `lightgbm [--quick] [--single-row]` runs the LightGBM binding overhead harness (custom timing: 1M-row runs are too long for
// BenchmarkDotNet's repetitions); anything else goes to BenchmarkDotNet (e.g. --filter *SingleRow*).
if (args.Length > 0 && args[0] == "lightgbm")
{
    return BindingOverhead.Run(args[1..]);
}
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(BindingOverhead).Assembly).Run(args);
return 0;
