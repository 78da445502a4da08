using BenchmarkDotNet.Running;
using Hoard.Benchmarks;

if (args is ["client-allocations"])
    await ClientAllocations.RunAsync();
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
