namespace IotHubJobs.Contracts.Jobs;

/// <summary>A job was accepted. Exactly one of <c>CloudToDeviceMethod</c> and <c>UpdateTwinJson</c> is set, by <c>Type</c>.</summary>
public sealed record JobCreated(
    string JobId,
    string Type,
    string QueryCondition,
    DateTimeOffset CreatedTime,
    DateTimeOffset StartTime,
    long MaxExecutionTimeInSeconds,
    CloudToDeviceMethod? CloudToDeviceMethod,
    string? UpdateTwinJson);
