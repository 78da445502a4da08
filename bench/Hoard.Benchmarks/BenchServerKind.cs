namespace Hoard.Benchmarks;

/// <summary>Where the client benchmarks' server runs.</summary>
public enum BenchServerKind
{
    /// <summary>memcached 1.6 in its own process: what the benchmark's process allocates is the client's alone.</summary>
    Memcached,

    /// <summary>A Hoard server in the benchmark's process: its allocations are counted with the client's.</summary>
    HoardInProcess,
}
