namespace IotHubJobs.Contracts.Devices;

/// <summary>One device's reported-properties patch (JSON merge: <c>null</c> deletes a key).</summary>
public sealed record DeviceReportedProperties(string DeviceId, string PatchJson);
