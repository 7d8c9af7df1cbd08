namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>Up to <c>NumberOfRetries</c> more attempts for a device whose attempt failed with <c>FailureType</c>.</summary>
public sealed record RolloutRetryCriterion(string FailureType, int NumberOfRetries);
