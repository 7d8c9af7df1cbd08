using MassTransit;
using Npgsql;
using Scheduler.Fanout;
using Scheduler.Recurrences;
using Scheduler.Rollouts;

namespace Scheduler.Schedules;

/// <summary>
/// Each replica runs this loop: fire due start timers, dispatch fan-out chunks, expire deadlines; when there is
/// nothing to do, wait a short poll interval. The database is the source of truth, so replicas need no leader.
/// </summary>
public sealed class SchedulerLoop(StartDueJobs starts, FanOutChunk fanOut, RolloutDispatch rollouts, RetryDispatch retries, RecurringJobs recurring,
    ExpireDeadlines deadlines, SchedulerWakeUp wakeUp,
    TimeProvider clock, ILogger<SchedulerLoop> logger)
    : BackgroundService
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var busy = await starts.RunOnceAsync(ct) > 0;
                busy |= await fanOut.RunOnceAsync(ct);
                busy |= await rollouts.RunOnceAsync(ct);
                busy |= await retries.RunOnceAsync(ct);
                busy |= await recurring.RunOnceAsync(ct);
                busy |= await deadlines.RunOnceAsync(ct) > 0;
                if (!busy) await wakeUp.WaitAsync(PollInterval, ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or MassTransitException && !ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Scheduler pass failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(1), clock, ct);
            }
        }
    }
}
