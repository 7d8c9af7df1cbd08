namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>An operator approved the wave after <c>Wave</c>: the scheduler may start it.</summary>
public sealed record RolloutWaveApproved(string JobId, int Wave, DateTimeOffset ApprovedAt);
