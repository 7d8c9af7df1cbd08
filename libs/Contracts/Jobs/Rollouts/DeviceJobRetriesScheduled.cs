namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// Attempts of these devices failed in a way the rollout retries: their device jobs are pending again until their next
/// attempt. Not results: a device's result is recorded once, when its last attempt ends (statistics count devices).
/// </summary>
public sealed record DeviceJobRetriesScheduled(string JobId, IReadOnlyList<DeviceJobRetry> Retries, DateTimeOffset At);
