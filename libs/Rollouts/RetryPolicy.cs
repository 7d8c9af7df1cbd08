using IotHubJobs.Contracts.Jobs.Rollouts;

namespace IotHubJobs.Rollouts;

/// <summary>
/// The arithmetic of a rollout's retries (docs/rollouts.md, "Retries"), free of storage and clocks: which failed attempts
/// are tried again, and when. A device's attempts are numbered from 1; a criterion's <c>numberOfRetries</c> is how many
/// attempts may follow the first, so a device is attempted at most <c>numberOfRetries + 1</c> times.
/// </summary>
public sealed class RetryPolicy(RolloutRetry retry)
{
    /// <summary>How many retries a failure of this type earns: its own criterion, else the <c>any</c> criterion; unknown outcomes none.</summary>
    public int RetriesFor(string failureType)
    {
        if (failureType == RolloutFailure.Unknown) return 0;
        var own = retry.Criteria.FirstOrDefault(c => c.FailureType == failureType);
        return (own ?? retry.Criteria.FirstOrDefault(c => c.FailureType == RolloutFailure.Any))?.NumberOfRetries ?? 0;
    }

    /// <summary>
    /// The wait after failed attempt <paramref name="failedAttempt"/>: <c>initialBackoffInSeconds</c> doubled for each attempt
    /// before, at most <c>maximumBackoffInSeconds</c>, with "equal jitter" — a point in the upper half of that backoff chosen
    /// by <paramref name="jitter"/> (0 to 1) — so retries of many devices that failed together spread out, none sooner than half.
    /// </summary>
    public TimeSpan Backoff(int failedAttempt, double jitter)
    {
        var seconds = Math.Min(retry.MaximumBackoffInSeconds, retry.InitialBackoffInSeconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30)));
        return TimeSpan.FromSeconds(seconds / 2 + Math.Clamp(jitter, 0, 1) * seconds / 2);
    }

    /// <summary>
    /// When the next attempt is due after attempt <paramref name="failedAttempt"/> failed as <paramref name="failureType"/>, or
    /// null when it is not retried: not a listed type, its retries used up, or the attempt would come at or after the
    /// job's <paramref name="deadline"/> (its maxExecutionTimeInSeconds).
    /// </summary>
    public DateTimeOffset? NextAttempt(string failureType, int failedAttempt, DateTimeOffset now, DateTimeOffset? deadline, double jitter)
    {
        if (failedAttempt > RetriesFor(failureType)) return null;
        var next = now + Backoff(failedAttempt, jitter);
        return deadline is { } end && next >= end ? null : next;
    }
}
