namespace IotHubJobs.Contracts.Jobs;

/// <summary>Apply the job's twin patch (tags and desired properties, forced) to these devices.</summary>
public sealed record UpdateDeviceTwins(string JobId, string PatchJson, IReadOnlyList<string> DeviceIds);
