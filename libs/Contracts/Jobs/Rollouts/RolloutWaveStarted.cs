namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>The scheduler began dispatching wave <c>Wave</c> (1-based) of a rollout, up to <c>DevicesThrough</c> devices in all.</summary>
public sealed record RolloutWaveStarted(string JobId, int Wave, int DevicesThrough, DateTimeOffset StartedAt);
