using System.Net;
using System.Text.Json.Nodes;
using IotHubJobs.Cli;
using IotHubJobs.Cli.Hub;
using IotHubJobs.Cli.Progress;
using Microsoft.Extensions.Time.Testing;

namespace Unit.Tests.Cli;

/// <summary>Rate, time left, the progress line, the exit code a job earns, and the hub's error bodies.</summary>
public sealed class ProgressSpecs
{
    [Fact]
    public void The_rate_is_finished_devices_per_second_over_the_last_window_and_gives_the_time_left()
    {
        var time = new FakeTimeProvider();
        var rate = new ProgressRate(time, TimeSpan.FromSeconds(10));
        rate.Add(0);
        Assert.Null(rate.PerSecond);
        time.Advance(TimeSpan.FromSeconds(5));
        rate.Add(500);
        Assert.Equal(100, rate.PerSecond);
        Assert.Equal(TimeSpan.FromSeconds(5), rate.TimeLeft(500));

        time.Advance(TimeSpan.FromSeconds(20)); // stalled: the window forgets the fast start
        rate.Add(500);
        time.Advance(TimeSpan.FromSeconds(10));
        rate.Add(520);
        Assert.Equal(2, rate.PerSecond);
        Assert.Null(new ProgressRate(time).TimeLeft(10));
        Assert.Equal(TimeSpan.Zero, rate.TimeLeft(0));
    }

    [Fact]
    public void The_progress_line_shows_the_four_counts_the_bar_the_rate_and_the_time_left()
    {
        var time = new FakeTimeProvider();
        var rate = new ProgressRate(time);
        rate.Add(0);
        time.Advance(TimeSpan.FromSeconds(2));
        rate.Add(300);

        var line = ProgressLine.Plain(new JobSnapshot("j1", "running", 1000, 200, 100, 50, 650), rate);

        // 30 cells: 6 succeeded and 3 failed (both █, green and red on a terminal), 2 running, 19 pending
        Assert.Equal("j1 running [█████████▒▒░░░░░░░░░░░░░░░░░░░] 30% · succeeded 200 · failed 100 · running 50 · pending 650 · of 1000 · 150/s · ETA 5s", line);
    }

    [Theory]
    [InlineData("completed", 0, ExitCodes.Success)]
    [InlineData("completed", 3, ExitCodes.SomeFailed)]
    [InlineData("failed", 0, ExitCodes.JobNotCompleted)]
    [InlineData("cancelled", 0, ExitCodes.JobNotCompleted)]
    [InlineData("running", 0, ExitCodes.StillRunning)]
    public void A_finished_job_earns_its_exit_code(string status, int failed, int exitCode) =>
        Assert.Equal(exitCode, JobOutcome.ExitCode(new JsonObject
        {
            ["jobId"] = "j", ["status"] = status, ["deviceJobStatistics"] = new JsonObject { ["deviceCount"] = 5, ["failedCount"] = failed },
        }));

    [Theory]
    [InlineData("JobNotFound", """{"Message":"ErrorCode:JobNotFound;Job 'x' was not found.","ExceptionMessage":"Tracking ID:1"}""", "JobNotFound: Job 'x' was not found. (HTTP 404)")]
    [InlineData(null, """{"Message":"ErrorCode:DeviceNotFound;gone","ExceptionMessage":""}""", "DeviceNotFound: gone (HTTP 404)")]
    [InlineData("DeviceNotOnline", """{"Message":"{\"errorCode\":404103,\"message\":\"Timed out waiting for device to connect.\"}","ExceptionMessage":""}""", "DeviceNotOnline: Timed out waiting for device to connect. (HTTP 404)")]
    [InlineData(null, "", "NotFound: HTTP 404 (HTTP 404)")]
    public void Refusals_read_the_IoT_Hub_error_code_and_message(string? header, string body, string line) =>
        Assert.Equal(line, HubError.Read(HttpStatusCode.NotFound, header, body).ToString());
}
