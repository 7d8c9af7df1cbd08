using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using Marten;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// Removes jobs whose history has passed its retention period (IoT Hub keeps 30 days): it tells the other services
/// (<see cref="JobsExpired"/>, so they forget their timer rows and call records), then deletes the event stream, the
/// job document and its per-device records, in one transaction per batch. Reads hide expired jobs already (GET,
/// cancel, the job list and devices.jobs queries), so how often this runs does not change what clients see.
/// </summary>
public sealed class JobRetention(IDocumentStore store, IPublishEndpoint bus, TimeProvider clock, IConfiguration configuration, ILogger<JobRetention> logger)
    : BackgroundService
{
    private const int BatchSize = 100;
    public TimeSpan Period { get; } = TimeSpan.FromDays(configuration.GetValue("Jobs:RetentionDays", 30.0));
    private readonly TimeSpan _interval = TimeSpan.FromMinutes(configuration.GetValue("Jobs:RetentionSweepMinutes", 60.0));

    public bool IsExpired(JobStatus job) => job.EndTime is { } end && end < clock.GetUtcNow() - Period;

    /// <summary>Jobs past their retention that no sweep has removed yet: queries leave their device jobs out.</summary>
    public async Task<IReadOnlyList<string>> ExpiredNotRemovedAsync(IQuerySession session, CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - Period;
        return await session.Query<JobStatus>().Where(j => j.EndTime != null && j.EndTime < cutoff).Select(j => j.Id).ToListAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_interval, clock);
        do
        {
            try
            {
                await SweepAsync(ct);
            }
            catch (NpgsqlException e)
            {
                logger.LogWarning(e, "Job retention sweep failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(ct));
    }

    /// <summary>Deletes every expired job; returns how many were removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var removed = 0;
        while (true)
        {
            var cutoff = clock.GetUtcNow() - Period;
            await using var session = store.LightweightSession();
            var expired = await session.Query<JobStatus>()
                .Where(j => j.EndTime != null && j.EndTime < cutoff)
                .OrderBy(j => j.EndTime)
                .Select(j => j.Id)
                .Take(BatchSize)
                .ToListAsync(ct);
            if (expired.Count == 0) return removed;
            // First the others, then our own records: a crash in between leaves the jobs to the next sweep, which tells again.
            await bus.Publish(new JobsExpired(expired, cutoff), ct);
            foreach (var jobId in expired)
            {
                session.Events.TombstoneStream(jobId);
                session.HardDelete<JobStatus>(jobId);
                foreach (var forget in DeviceJobLedger.ForgetJob(jobId)) session.QueueSqlCommand(forget.Sql, forget.Parameters);
            }
            await session.SaveChangesAsync(ct);
            removed += expired.Count;
            logger.LogInformation("Removed {Count} jobs whose history ended before {Cutoff}", expired.Count, cutoff);
        }
    }
}
