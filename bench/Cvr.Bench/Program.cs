using Cvr.Bench;

// End-to-end measurements (one process each, so peak memory is the command's own) come first;
// anything else goes to BenchmarkDotNet's switcher for the micro-benchmarks.
return args.Length > 0 && EndToEnd.Commands.TryGetValue(args[0], out var run)
    ? run(args[1..])
    : RunMicro(args);

static int RunMicro(string[] args)
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(EndToEnd).Assembly).Run(args);
    return 0;
}
