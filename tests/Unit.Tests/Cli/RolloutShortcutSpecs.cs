using System.Text.Json.Nodes;
using IotHubJobs.Cli.Commands;
using IotHubJobs.Cli.Commands.Jobs;
using IotHubJobs.Cli.Progress;
using Microsoft.Extensions.Time.Testing;

namespace Unit.Tests.Cli;

/// <summary>The one-word forms of a rollout's waves and abort criteria (cli/README.md, "Rollouts"), and a rollout on the progress line.</summary>
public sealed class RolloutShortcutSpecs
{
    [Fact]
    public void Waves_are_size_bake_time_minimum_success_and_approval_with_a_percent_sign_for_shares_and_bare_numbers_for_counts()
    {
        var waves = WaveSpec.Parse("1%:600:99:approve, 10%::95 ,100%");
        var counts = WaveSpec.Parse("2:approve,50");

        Assert.Equal("""[{"percentage":1,"bakeTimeInSeconds":600,"minSuccessPercentage":99,"requiresApproval":true},{"percentage":10,"minSuccessPercentage":95},{"percentage":100}]""",
            waves.ToJsonString());
        Assert.Equal("""[{"count":2,"requiresApproval":true},{"count":50}]""", counts.ToJsonString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten%")]
    [InlineData("10%:1:2:3")]
    [InlineData("approve")]
    [InlineData("10%:soon")]
    public void A_wave_that_is_not_size_bake_success_approve_is_a_usage_error(string text) =>
        Assert.Throws<UsageException>(() => WaveSpec.Parse(text));

    [Fact]
    public void Abort_criteria_are_type_threshold_action_and_optionally_the_devices_executed_first()
    {
        var criteria = AbortCriteriaSpec.Parse("failed:10%:cancel:50,timedOut:5:pause");

        Assert.Equal("""[{"failureType":"failed","action":"cancel","thresholdPercentage":10,"minNumberOfExecutedDevices":50},{"failureType":"timedOut","action":"pause","thresholdPercentage":5}]""",
            criteria.ToJsonString());
        Assert.Throws<UsageException>(() => AbortCriteriaSpec.Parse("failed:10"));
        Assert.Throws<UsageException>(() => AbortCriteriaSpec.Parse("failed:many:cancel"));
    }

    [Fact]
    public void The_progress_line_of_a_rollout_shows_its_wave_an_awaited_approval_and_its_rate()
    {
        var job = new JsonObject
        {
            ["jobId"] = "r1", ["status"] = "running",
            ["deviceJobStatistics"] = new JsonObject { ["deviceCount"] = 10, ["succeededCount"] = 2, ["pendingCount"] = 8 },
            ["rolloutStatus"] = new JsonObject { ["currentWave"] = 1, ["waveCount"] = 2, ["awaitingApproval"] = true, ["currentRatePerMinute"] = 600 },
        };

        var line = ProgressLine.Plain(JobSnapshot.From(job), new ProgressRate(new FakeTimeProvider()));

        Assert.EndsWith("· succeeded 2 · failed 0 · running 0 · pending 8 · of 10 · wave 1 of 2 · awaiting approval · 600/min", line);
    }
}
