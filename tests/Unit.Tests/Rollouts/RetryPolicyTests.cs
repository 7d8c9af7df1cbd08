using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Contracts.Jobs.Rollouts;
using IotHubJobs.Rollouts;

namespace Unit.Tests.Rollouts;

public class RetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static RetryPolicy Policy(int initial = 10, int maximum = 600, params RolloutRetryCriterion[] criteria) =>
        new(new RolloutRetry(criteria.Length > 0 ? criteria : [new RolloutRetryCriterion("timedOut", 3)], initial, maximum));

    private static DeviceJobResult Answer(int status) => new("d", true, Now, Now, status, null, null, null);

    private static DeviceJobResult Error(string code) => new("d", false, Now, Now, null, null, code, "text");

    [Fact]
    public void A_failure_type_with_retries_left_is_tried_again_and_after_its_last_retry_it_is_final()
    {
        var policy = Policy();
        Assert.NotNull(policy.NextAttempt("timedOut", failedAttempt: 1, Now, deadline: null, jitter: 0));
        Assert.NotNull(policy.NextAttempt("timedOut", failedAttempt: 3, Now, null, 0));
        // Attempt 4 was the third retry: a device is attempted at most numberOfRetries + 1 times.
        Assert.Null(policy.NextAttempt("timedOut", failedAttempt: 4, Now, null, 0));
    }

    [Fact]
    public void Only_listed_failure_types_are_retried_and_any_covers_the_rest_but_never_an_unknown_outcome()
    {
        var listed = Policy(criteria: [new RolloutRetryCriterion("notOnline", 2), new RolloutRetryCriterion("any", 1)]);
        Assert.Equal(2, listed.RetriesFor("notOnline"));
        Assert.Equal(1, listed.RetriesFor("failed"));
        Assert.Equal(0, listed.RetriesFor("unknown"));
        Assert.Equal(0, Policy().RetriesFor("failed"));
    }

    [Fact]
    public void The_backoff_doubles_from_the_initial_one_up_to_the_maximum_with_jitter_in_its_upper_half()
    {
        var policy = Policy(initial: 10, maximum: 60);
        Assert.Equal(TimeSpan.FromSeconds(5), policy.Backoff(1, jitter: 0));
        Assert.Equal(TimeSpan.FromSeconds(10), policy.Backoff(1, jitter: 1));
        Assert.Equal(TimeSpan.FromSeconds(15), policy.Backoff(2, jitter: 0.5));
        Assert.Equal(TimeSpan.FromSeconds(40), policy.Backoff(3, jitter: 1));
        Assert.Equal(TimeSpan.FromSeconds(60), policy.Backoff(9, jitter: 1));
    }

    [Fact]
    public void A_retry_that_would_come_at_or_after_the_jobs_deadline_is_not_made()
    {
        var policy = Policy(initial: 10, maximum: 10);
        Assert.Equal(Now.AddSeconds(10), policy.NextAttempt("timedOut", 1, Now, Now.AddSeconds(11), jitter: 1));
        Assert.Null(policy.NextAttempt("timedOut", 1, Now, Now.AddSeconds(10), jitter: 1));
    }

    [Fact]
    public void An_attempt_fails_as_the_failure_types_name_it()
    {
        Assert.Null(RolloutFailure.Of(Answer(200)));
        Assert.Equal("failed", RolloutFailure.Of(Answer(500)));
        Assert.Equal("timedOut", RolloutFailure.Of(Error("GatewayTimeout")));
        Assert.Equal("notOnline", RolloutFailure.Of(Error("DeviceNotOnline")));
        Assert.Equal("unknown", RolloutFailure.Of(Error("DeviceOperationOutcomeUnknown")));
        Assert.Equal("failed", RolloutFailure.Of(Error("DeviceNotFound")));
        Assert.Equal("""{"failureType":"failed","status":500}""", RolloutFailure.Describe(Answer(500), "failed").ToJsonString());
    }
}
