namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>An exponential rollout earned its next rate increase.</summary>
public sealed record RolloutRateChanged(string JobId, double RatePerMinute, DateTimeOffset At);
