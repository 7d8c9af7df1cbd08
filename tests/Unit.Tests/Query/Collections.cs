using IotHubJobs.Dispatch;
using IotHubJobs.Query;
using IotHubJobs.Registry;

namespace Unit.Tests.Query;

/// <summary>The query language's collections as the services use them: defined by the owners of their tables.</summary>
public static class Collections
{
    public static readonly QueryCollections Owners = new(DeviceQuerySource.Source, DeviceJobQuerySource.Source);
    public static QuerySource Devices => Owners.Devices;
    public static QuerySource DeviceJobs => Owners.DeviceJobs;
}
