using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using IotHubJobs.IotHubErrors;
using MassTransit;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>
/// Fails running device jobs whose time ran out without a result, once every <see cref="Interval"/>. Each clock is a
/// subclass: a claim's lease (<see cref="StaleClaimSweeper"/>), an acknowledged twin job's deadline
/// (<see cref="Rollouts.AcknowledgementTimeouts"/>). The failures are results like any other: published as
/// <see cref="DeviceJobsCompleted"/> and recorded by the same consumer, so the ledger has one writer of outcomes.
/// </summary>
public abstract class OverdueDeviceJobs(IBus bus, TimeProvider clock, ILogger logger) : BackgroundService
{
    private const int SweepLimit = 5000;

    protected abstract TimeSpan Interval { get; }
    protected abstract DeviceOperationError Error { get; }

    /// <summary>At most <paramref name="limit"/> running device jobs that are overdue at <paramref name="now"/>.</summary>
    protected abstract Task<List<DeviceJobLedger.RunningDeviceJob>> FindOverdueAsync(DateTimeOffset now, int limit, CancellationToken ct);

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
                logger.LogWarning(e, "Sweep for {Error} failed; retrying in {Interval}", Error.Code, Interval);
            }
        }
    }

    /// <summary>Fails the overdue device jobs found now; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var overdue = await FindOverdueAsync(now, SweepLimit, ct);
        foreach (var job in overdue.GroupBy(d => d.JobId))
            await bus.PublishBatch(ResultMessages.Of(job.Key, job.Select(d =>
                new DeviceJobResult(d.DeviceId, false, d.StartedAt, now, null, null, Error.Code, Error.Description, d.Attempt)).ToList()), ct);
        if (overdue.Count > 0) logger.LogWarning("Failed {Count} overdue device jobs as {Error}", overdue.Count, Error.Code);
        return overdue.Count;
    }
}
