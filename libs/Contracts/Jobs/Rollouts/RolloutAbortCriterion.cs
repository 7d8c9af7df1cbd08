namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// Stops the rollout (<c>Action</c> cancel or pause) once at least <c>MinNumberOfExecutedDevices</c> devices executed and
/// the share of them that failed with <c>FailureType</c> (failed, timedOut, notOnline, any) reached <c>ThresholdPercentage</c>.
/// </summary>
public sealed record RolloutAbortCriterion(string FailureType, string Action, double ThresholdPercentage, int MinNumberOfExecutedDevices);
