namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>Wave <c>Wave</c> is done and baked; the next one waits for <c>POST /jobs/v2/{id}/approve</c>.</summary>
public sealed record RolloutWaveAwaitingApproval(string JobId, int Wave, DateTimeOffset At);
