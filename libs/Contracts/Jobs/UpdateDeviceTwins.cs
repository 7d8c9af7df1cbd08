namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// Apply the job's twin patch (tags and desired properties, forced) to these devices. With
/// <c>AcknowledgementTimeoutInSeconds</c> (a rollout's <c>acknowledgement</c>), a device succeeds only once its reported
/// properties show the desired values (docs/rollouts.md, "Acknowledged twin jobs").
/// </summary>
public sealed record UpdateDeviceTwins(string JobId, string PatchJson, IReadOnlyList<string> DeviceIds, int? AcknowledgementTimeoutInSeconds = null);
