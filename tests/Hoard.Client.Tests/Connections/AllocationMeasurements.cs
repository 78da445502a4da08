namespace Hoard.Client.Tests.Connections;

/// <summary>Allocation measurements count the whole process: they run alone, not beside other tests.</summary>
[CollectionDefinition(nameof(AllocationMeasurements), DisableParallelization = true)]
public sealed class AllocationMeasurements;
