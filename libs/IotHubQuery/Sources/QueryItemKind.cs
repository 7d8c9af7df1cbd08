namespace IotHubJobs.Query;

/// <summary>The <c>x-ms-item-type</c> of a query's items; the names are what the C# SDK parses.</summary>
public enum QueryItemKind
{
    Twin,
    DeviceJob,
    Raw,
}
