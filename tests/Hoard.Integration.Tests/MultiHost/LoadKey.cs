namespace Hoard.Integration.Tests.MultiHost;

/// <summary>A key the load reads and rewrites, its one value, and the index of the server that holds it.</summary>
public sealed record LoadKey(string Key, string Value, int Owner);
