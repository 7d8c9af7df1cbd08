using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Rollouts;

namespace Unit.Tests.Rollouts;

public class RolloutRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static (IotHubJobs.Contracts.Jobs.Rollouts.JobRollout?, string?) Parse(string json, string type = JobTypes.ScheduleDeviceMethod)
    {
        var (rollout, refusal) = RolloutRequest.ParseRollout(JsonNode.Parse(json), type, Now, Now);
        return (rollout, refusal?.Message);
    }

    [Fact]
    public void The_request_of_the_docs_is_read_field_by_field()
    {
        var (rollout, error) = Parse("""
            {
              "exponentialRate": { "baseRatePerMinute": 60, "incrementFactor": 2.0,
                                   "rateIncreaseCriteria": { "numberOfNotifiedDevices": 100, "numberOfSucceededDevices": 100 } },
              "waves": [ { "percentage": 1, "bakeTimeInSeconds": 600, "minSuccessPercentage": 99, "requiresApproval": true },
                         { "percentage": 100 } ],
              "abortCriteria": [ { "failureType": "failed", "action": "cancel", "thresholdPercentage": 10, "minNumberOfExecutedDevices": 50 } ],
              "retry": { "criteria": [ { "failureType": "timedOut", "numberOfRetries": 3 } ], "initialBackoffInSeconds": 10, "maximumBackoffInSeconds": 600 },
              "maintenanceWindows": [ { "cron": "0 2 * * *", "timeZone": "Europe/Berlin", "durationInMinutes": 120 } ],
              "endTime": "2030-01-02T00:00:00Z", "endBehavior": "cancel", "orderBy": "deviceId"
            }
            """);
        Assert.Null(error);
        Assert.Equal(60, rollout!.ExponentialRate!.BaseRatePerMinute);
        Assert.Equal(2, rollout.Waves.Count);
        Assert.True(rollout.Waves[0].RequiresApproval);
        Assert.Equal("cancel", rollout.AbortCriteria[0].Action);
        Assert.Equal(3, rollout.Retry!.Criteria[0].NumberOfRetries);
        Assert.Equal("Europe/Berlin", rollout.MaintenanceWindows[0].TimeZone);
        Assert.Equal("cancel", rollout.EndBehavior);
    }

    [Fact]
    public void An_absent_rollout_is_a_plain_IoT_Hub_job()
    {
        Assert.Equal((null, null), RolloutRequest.ParseRollout(null, JobTypes.ScheduleDeviceMethod, Now, Now));
    }

    [Theory]
    [InlineData("""{ "maximumPerMinute": 0 }""", "rollout.maximumPerMinute must be a whole number from 1 to 100000")]
    [InlineData("""{ "maximumPerMinute": 100001 }""", "from 1 to 100000")]
    [InlineData("""{ "maximumPerMinute": "600" }""", "rollout.maximumPerMinute")]
    [InlineData("""{ "maximumPerMinute": 60, "exponentialRate": { "baseRatePerMinute": 60, "incrementFactor": 2, "rateIncreaseCriteria": { "numberOfNotifiedDevices": 1 } } }""", "exclude each other")]
    [InlineData("""{ "exponentialRate": { "baseRatePerMinute": 60, "incrementFactor": 1.05, "rateIncreaseCriteria": { "numberOfNotifiedDevices": 1 } } }""", "incrementFactor must be a number from 1.1 to 5")]
    [InlineData("""{ "exponentialRate": { "baseRatePerMinute": 60, "incrementFactor": 2 } }""", "rateIncreaseCriteria is required")]
    [InlineData("""{ "waves": [ { "percentage": 101 } ] }""", "percentage must be a number from 0 to 100")]
    [InlineData("""{ "waves": [ { "percentage": 0 } ] }""", "percentage must be above 0")]
    [InlineData("""{ "waves": [ { "percentage": 50 }, { "percentage": 20 } ] }""", "cumulative")]
    [InlineData("""{ "waves": [ { "percentage": 10, "count": 5 } ] }""", "exactly one of percentage and count")]
    [InlineData("""{ "waves": [ { "count": 5 }, { "percentage": 10 }, { "count": 5 } ] }""", "rollout.waves[2].count must be above the wave before")]
    [InlineData("""{ "waves": [ { "percentage": 10, "minSuccessPercentage": -1 } ] }""", "minSuccessPercentage")]
    [InlineData("""{ "abortCriteria": [ { "failureType": "crashed", "action": "cancel", "thresholdPercentage": 10 } ] }""", "failureType must be one of failed, timedOut, notOnline, any")]
    [InlineData("""{ "abortCriteria": [ { "failureType": "failed", "action": "rollback", "thresholdPercentage": 10 } ] }""", "action must be one of cancel, pause")]
    [InlineData("""{ "abortCriteria": [ { "failureType": "failed", "action": "cancel" } ] }""", "thresholdPercentage is required")]
    [InlineData("""{ "retry": { "criteria": [ { "failureType": "timedOut", "numberOfRetries": 11 } ] } }""", "numberOfRetries must be a whole number from 1 to 10")]
    [InlineData("""{ "retry": { "criteria": [] } }""", "at least one failureType")]
    [InlineData("""{ "retry": { "criteria": [ { "failureType": "any", "numberOfRetries": 1 } ], "initialBackoffInSeconds": 60, "maximumBackoffInSeconds": 10 } }""", "must not be below")]
    [InlineData("""{ "acknowledgement": { "timeoutInSeconds": 60 } }""", "applies to scheduleUpdateTwin jobs only")]
    [InlineData("""{ "maintenanceWindows": [ { "cron": "0 2 * *", "durationInMinutes": 60 } ] }""", "is not a cron expression")]
    [InlineData("""{ "maintenanceWindows": [ { "cron": "0 0 30 2 *", "durationInMinutes": 60 } ] }""", "never fires")]
    [InlineData("""{ "maintenanceWindows": [ { "cron": "0 2 * * *", "timeZone": "Mars/Olympus", "durationInMinutes": 60 } ] }""", "is not a known time zone")]
    [InlineData("""{ "maintenanceWindows": [ { "cron": "0 2 * * *", "durationInMinutes": 0 } ] }""", "durationInMinutes must be a whole number from 1 to 1440")]
    [InlineData("""{ "endTime": "2020-01-01T00:00:00Z" }""", "endTime must be after the job's startTime")]
    [InlineData("""{ "endTime": "tomorrow" }""", "endTime must be an ISO-8601")]
    [InlineData("""{ "endBehavior": "forceCancel" }""", "endBehavior must be one of stopRollout, cancel")]
    [InlineData("""{ "orderBy": "tags.ring" }""", "orderBy must be one of deviceId")]
    [InlineData("""{ "maximumPerMinut": 60 }""", "rollout.maximumPerMinut is not a field of rollout")]
    [InlineData("""[ 1 ]""", "rollout must be an object")]
    public void Each_field_range_and_combination_is_refused_with_a_message_naming_it(string json, string expected)
    {
        var (rollout, error) = Parse(json);
        Assert.Null(rollout);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void A_few_canary_devices_by_count_may_come_before_shares_of_the_fleet_by_percentage()
    {
        var (rollout, error) = Parse("""{ "waves": [ { "count": 3, "requiresApproval": true }, { "percentage": 100 } ] }""");
        Assert.Null(error);
        Assert.Equal(new (double?, int?)[] { (null, 3), (100, null) }, rollout!.Waves.Select(w => (w.Percentage, w.Count)));
    }

    [Fact]
    public void More_than_twenty_waves_are_refused()
    {
        var waves = string.Join(",", Enumerable.Range(1, 21).Select(i => $$"""{ "count": {{i}} }"""));
        Assert.Contains("at most 20", Parse($$"""{ "waves": [ {{waves}} ] }""").Item2);
    }

    [Fact]
    public void More_than_ten_windows_are_refused()
    {
        var windows = string.Join(",", Enumerable.Range(1, 11).Select(_ => """{ "cron": "0 2 * * *", "durationInMinutes": 60 }"""));
        Assert.Contains("at most 10", Parse($$"""{ "maintenanceWindows": [ {{windows}} ] }""").Item2);
    }

    [Theory]
    [InlineData("""{ "cron": "0 3 * * 1", "timeZone": "UTC" }""", null)]
    [InlineData("""{ "cron": "0 3 * * 1" }""", null)]
    [InlineData("""{ "cron": "0 0 31 2 *" }""", "never fires")]
    [InlineData("""{ "cron": "0 3 * * 1", "every": "week" }""", "recurrence.every is not a field")]
    public void A_recurrence_is_a_cron_that_fires(string json, string? expected)
    {
        var (recurrence, refusal) = RolloutRequest.ParseRecurrence(JsonNode.Parse(json), Now);
        if (expected is null) Assert.NotNull(recurrence);
        else Assert.Contains(expected, refusal!.Message);
    }
}
