namespace IotHubJobs.Contracts.Devices;

/// <summary>
/// A device's complete desired properties after a change (values only, no <c>$metadata</c>) and their <c>$version</c>.
/// <c>JobId</c> is null for a change made outside a job.
/// </summary>
public sealed record DeviceDesiredProperties(string DeviceId, string DesiredJson, long Version, string? JobId);
