using IotHubJobs.Query;

namespace IotHubJobs.Registry;

/// <summary>
/// The query language's <c>devices</c> collection over <c>registry.devices</c>: twins, with the device id in its own
/// column and the tags in their indexed copy (Database/registry.sql); every other path is read from the twin, unindexed.
/// </summary>
public static class DeviceQuerySource
{
    public static QuerySource Source { get; } = new()
    {
        Collection = "devices",
        Table = "registry.devices",
        Document = "twin",
        Fields =
        [
            new SourceField("deviceId", "device_id", FieldKind.Text),
            new SourceField("tags", "tags", FieldKind.Json) { HasContainmentIndex = true },
        ],
        CanonicalNames =
        [
            "deviceId", "etag", "deviceEtag", "status", "statusReason", "statusUpdateTime", "connectionState",
            "lastActivityTime", "cloudToDeviceMessageCount", "authenticationType", "x509Thumbprint", "modelId",
            "version", "capabilities", "capabilities.iotEdge", "tags", "properties", "properties.desired",
            "properties.reported",
        ],
        SelectAllSql = "twin",
        SelectAllKind = QueryItemKind.Twin,
        OrderBySql = "device_id",
        KeyProperties = ["deviceId"],
    };
}
