namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>A twin job's device succeeds only once its reported properties show the desired values it was sent, within the timeout.</summary>
public sealed record RolloutAcknowledgement(int TimeoutInSeconds);
