using IotHubJobs.Cli.Progress;

namespace Unit.Tests.Cli;

/// <summary>What an event of a job's stream tells the progress display (cli/Progress/JobEventReading.cs).</summary>
public sealed class JobEventReadingSpecs
{
    [Fact]
    public void Statistics_and_status_at_the_top_level_are_taken_as_they_are()
    {
        var reading = JobEventReading.Of(new ServerSentEvent("job.progress",
            """{"jobId":"j1","status":"running","deviceJobStatistics":{"deviceCount":10,"succeededCount":4,"failedCount":1,"runningCount":2,"pendingCount":3}}""", "1"));

        Assert.Equal("running", reading.Status);
        Assert.False(reading.Ended);
        Assert.False(reading.NeedsRefresh);
        var snapshot = new JobSnapshot("j1", "queued", 0, 0, 0, 0, 0).With(reading.Status, reading.Statistics);
        Assert.Equal(new JobSnapshot("j1", "running", 10, 4, 1, 2, 3), snapshot);
    }

    [Fact]
    public void A_CloudEvent_carries_them_under_data_and_names_the_end_in_its_type()
    {
        var reading = JobEventReading.Of(new ServerSentEvent("message",
            """{"specversion":"1.0","type":"iothub.job.completed","data":{"jobId":"j1","deviceJobStatistics":{"deviceCount":2,"succeededCount":2}}}""", "9"));

        Assert.True(reading.Ended);
        Assert.NotNull(reading.Statistics);
    }

    [Theory]
    [InlineData("JobCompleted", true)]
    [InlineData("job.cancelled", true)]
    [InlineData("job-failed", true)]
    [InlineData("jobs.job.completed", true)]
    [InlineData("DeviceJobsCompleted", false)]
    [InlineData("device.job.failed", false)]
    [InlineData("devices.job.completed", false)]
    [InlineData("job.started", false)]
    [InlineData("", false)]
    public void Only_the_job_s_own_end_ends_the_watch(string type, bool ends) =>
        Assert.Equal(ends, JobEventReading.NamesEnd(type));

    [Fact]
    public void An_event_without_statistics_asks_for_the_job_to_be_read_again()
    {
        var reading = JobEventReading.Of(new ServerSentEvent("job.started", """{"jobId":"j1"}""", "3"));

        Assert.True(reading.NeedsRefresh);
        Assert.False(reading.Ended);
    }

    [Fact]
    public void Text_that_is_not_JSON_says_nothing_but_asks_for_a_read()
    {
        var reading = JobEventReading.Of(new ServerSentEvent("message", "hello", null));

        Assert.Null(reading.Status);
        Assert.True(reading.NeedsRefresh);
    }
}
