using BenchmarkDotNet.Running;
using Hoard.Benchmarks;

if (args is ["client-allocations", ..])
    await ClientAllocations.RunAsync(args[1..]);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
