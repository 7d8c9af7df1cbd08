namespace IotHubJobs.Query;

/// <summary>
/// The two collections IoT Hub's query language knows, as the owners of their tables define them (the registry's
/// <c>devices</c>, the ledger's <c>devices.jobs</c>): this library holds no table names of its own.
/// </summary>
public sealed record QueryCollections(QuerySource Devices, QuerySource DeviceJobs)
{
    internal IReadOnlyList<QuerySource> All => [Devices, DeviceJobs];
}
