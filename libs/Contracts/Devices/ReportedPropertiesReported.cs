namespace IotHubJobs.Contracts.Devices;

/// <summary>Many devices reported properties at once; each patch merges into that device's <c>properties.reported</c>.</summary>
public sealed record ReportedPropertiesReported(IReadOnlyList<DeviceReportedProperties> Devices);
