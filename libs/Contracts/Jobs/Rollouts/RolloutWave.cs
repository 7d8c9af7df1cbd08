namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// One stage of a rollout: up to a cumulative share (<c>Percentage</c>) or a cumulative number (<c>Count</c>) of the
/// target, in device order. After its devices are final: bake, check the success share, wait for approval if asked.
/// </summary>
public sealed record RolloutWave(double? Percentage, int? Count, int BakeTimeInSeconds, double? MinSuccessPercentage, bool RequiresApproval);
