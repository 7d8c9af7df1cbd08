using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Holds a job's row of <c>scheduler.job_schedules</c> locked (<c>SELECT … FOR UPDATE</c>) until disposed. The schedulers
/// take that row with <c>SKIP LOCKED</c> to start a job, to fan it out and to expire its deadline, so while it is held the
/// job stays exactly as <see cref="State"/> says, whatever the clock. Once released, a session queued for the row need
/// not get it first (<see cref="SchedulerGate"/>).
/// </summary>
public sealed class ScheduleRowLock : IAsyncDisposable
{
    private readonly HeldTransaction _held;

    private ScheduleRowLock(HeldTransaction held, string? state) => (_held, State) = (held, state);

    /// <summary>The row's state when the lock was taken (null: the scheduler has not recorded the job).</summary>
    public string? State { get; }

    public static async Task<ScheduleRowLock> HoldAsync(NpgsqlDataSource database, string jobId)
    {
        var (held, state) = await HeldTransaction.BeginAsync(database, "select state from scheduler.job_schedules where job_id = $1 for update", jobId);
        return new ScheduleRowLock(held, state as string);
    }

    /// <summary>How far ahead a spec's job starts, tried in turn: seconds enough on a quiet machine, and more on a loaded one.</summary>
    public static readonly TimeSpan[] Leads = [TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(90)];

    /// <summary>
    /// Creates a job (<paramref name="put"/>, given the job id and start time) that starts seconds from now and holds its
    /// start timer while it still waits. A loaded machine may take longer than the lead from the PUT to the hold: then the
    /// timer fired on time (checked: not before its start time), which proves nothing to the spec, and a new job tries
    /// again with a longer lead. The spec waits up to the returned lead and a minute for the start time to pass.
    /// </summary>
    public static async Task<(string JobId, ScheduleRowLock Timer, TimeSpan Lead)> HoldWaitingTimerAsync(SystemUnderTest system,
        string jobIdPrefix, Func<string, DateTimeOffset, Task> put)
    {
        foreach (var lead in Leads)
        {
            var jobId = $"{jobIdPrefix}-{(int)lead.TotalSeconds}";
            await put(jobId, DateTimeOffset.UtcNow + lead);
            await Ledger.EventuallyAsync(async () => await Ledger.ScheduleStateAsync(system, jobId) is not null);
            var timer = await HoldAsync(system.Database, jobId);
            if (timer.State == "waiting") return (jobId, timer, lead);
            await timer.DisposeAsync();
            var fired = (await Ledger.ScheduleAsync(system, jobId))!;
            Assert.True(fired.StartedAt >= fired.StartAt, $"the start timer of {jobId} fired at {fired.StartedAt:O}, before its start time {fired.StartAt:O}");
        }
        throw new Xunit.Sdk.XunitException("every start timer fired before the spec could hold it, even 90 s ahead");
    }

    public ValueTask DisposeAsync() => _held.DisposeAsync();
}
