using IotHubJobs.Contracts.Jobs;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// Fails device jobs whose claim expired without a result: whoever claimed them (the holder calling a device, an
/// executor updating a twin) stopped, or could not report before its lease ran out. They are not retried: the device
/// may already have run the method, and a second invocation is worse than an honest failure.
/// </summary>
public sealed class StaleClaimSweeper(NpgsqlDataSource dataSource, IBus bus, TimeProvider clock, ILogger<StaleClaimSweeper> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    public const string ErrorCode = "DeviceOperationOutcomeUnknown";
    /// <summary>Claimants report until their lease ends; a result published just then still needs a moment to be recorded.</summary>
    public static readonly TimeSpan RecordingMargin = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(ct))
        {
            try
            {
                await SweepAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or MassTransitException)
            {
                logger.LogWarning(e, "Stale claim sweep failed; retrying in {Interval}", Interval);
            }
        }
    }

    public async Task<int> SweepAsync(CancellationToken ct)
    {
        await using (var backlog = dataSource.CreateCommand("select count(*) from dispatch.device_jobs where status = 'pending'"))
            JobMetrics.SetBacklog((long)(await backlog.ExecuteScalarAsync(ct))!);
        var now = clock.GetUtcNow();
        await using var cmd = dataSource.CreateCommand("""
            select job_id, device_id, coalesce(start_utc, $1) from dispatch.device_jobs
             where status = 'running' and claimed_until < $1 order by claimed_until limit 5000
            """);
        cmd.Parameters.AddWithValue((now - RecordingMargin).UtcDateTime);
        var stale = new List<(string JobId, DeviceJobResult Result)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                stale.Add((reader.GetString(0), new DeviceJobResult(reader.GetString(1), false,
                    new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), now, null, null, ErrorCode,
                    "Whoever handled this device stopped, or could not report, before its claim expired; the operation may or may not have run on the device, and it is not run again.")));
        foreach (var job in stale.GroupBy(s => s.JobId))
            foreach (var chunk in job.Select(s => s.Result).Chunk(500))
                await bus.Publish(new DeviceJobsCompleted(job.Key, chunk), ct);
        if (stale.Count > 0) logger.LogWarning("Failed {Count} device jobs whose claim expired without a result", stale.Count);
        return stale.Count;
    }
}
