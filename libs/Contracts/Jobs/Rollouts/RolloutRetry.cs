namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>Attempts that fail with a listed type are tried again with exponential backoff and jitter, inside the job's deadline.</summary>
public sealed record RolloutRetry(IReadOnlyList<RolloutRetryCriterion> Criteria, int InitialBackoffInSeconds, int MaximumBackoffInSeconds);
