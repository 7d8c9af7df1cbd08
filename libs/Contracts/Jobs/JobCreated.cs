using IotHubJobs.Contracts.Jobs.Rollouts;

namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// A job was accepted. Exactly one of <c>CloudToDeviceMethod</c> and <c>UpdateTwinJson</c> is set, by <c>Type</c>.
/// <c>Rollout</c> and <c>Recurrence</c> are ours (docs/rollouts.md); a job created by IoT Hub's SDKs has neither.
/// </summary>
public sealed record JobCreated(
    string JobId,
    string Type,
    string QueryCondition,
    DateTimeOffset CreatedTime,
    DateTimeOffset StartTime,
    long MaxExecutionTimeInSeconds,
    CloudToDeviceMethod? CloudToDeviceMethod,
    string? UpdateTwinJson,
    JobRollout? Rollout = null,
    JobRecurrence? Recurrence = null);
