namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// The scheduler stopped a rollout for <c>Reason</c> (a wave below its success share, the end time passed); the
/// <c>CanceledCount</c> devices not yet dispatched of its <c>DeviceCount</c> targets were canceled (committed before this
/// is told). <c>Cancelled</c>: the job ends cancelled; otherwise it completes once the dispatched devices finish.
/// </summary>
public sealed record RolloutStopped(string JobId, string Reason, bool Cancelled, DateTimeOffset StoppedAt, int DeviceCount = 0, int CanceledCount = 0);
