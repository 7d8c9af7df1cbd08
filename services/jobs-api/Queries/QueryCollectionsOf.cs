using IotHubJobs.Dispatch;
using IotHubJobs.Query;
using IotHubJobs.Registry;

namespace JobsApi.Queries;

/// <summary>The query language's collections as their tables' owners define them: the registry's devices, the ledger's device jobs.</summary>
public static class QueryCollectionsOf
{
    public static readonly QueryCollections Owners = new(DeviceQuerySource.Source, DeviceJobQuerySource.Source);
}
