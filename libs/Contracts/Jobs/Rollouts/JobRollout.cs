namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// How a job reaches its fleet (docs/rollouts.md): the pace, the waves, when to stop on its own, what to retry, whether
/// a twin job waits for the devices' acknowledgement, when it may dispatch and until when. Absent on a plain IoT Hub job.
/// </summary>
public sealed record JobRollout(
    int? MaximumPerMinute,
    ExponentialRolloutRate? ExponentialRate,
    IReadOnlyList<RolloutWave> Waves,
    IReadOnlyList<RolloutAbortCriterion> AbortCriteria,
    RolloutRetry? Retry,
    RolloutAcknowledgement? Acknowledgement,
    IReadOnlyList<MaintenanceWindow> MaintenanceWindows,
    DateTimeOffset? EndTime,
    string EndBehavior);
