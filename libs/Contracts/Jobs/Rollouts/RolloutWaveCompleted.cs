namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// Every device of wave <c>Wave</c> (1-based) has a final result: <c>Succeeded</c> of its <c>Devices</c> succeeded (a status
/// below 400, or a twin update applied). Told before the wave bakes and its success share is checked.
/// </summary>
public sealed record RolloutWaveCompleted(string JobId, int Wave, int Devices, int Succeeded, DateTimeOffset CompletedAt);
