using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Faults;

/// <summary>
/// Sees a transaction waiting for the lock of one job's row of <c>scheduler.job_schedules</c>: PostgreSQL gives a session
/// that queues for a row lock a tuple lock on that row version (its page and item, the row's <c>ctid</c>) while it waits
/// for the holder's transaction, a lock not yet granted. With a fan-out held by a <see cref="FanOutBarrier"/>, this tells a
/// spec that a cancel has reached the scheduler and waits behind it.
/// Only this job's row counts: in a full run, other specs' jobs keep the schedulers busy, and a wait for another job's row
/// told a spec too early that its cancel waited. A scheduler passing the row by with <c>SKIP LOCKED</c> takes the tuple
/// lock for an instant too, but never waits: only a session with a lock not granted counts.
/// </summary>
public static class ScheduleRowWaits
{
    public static Task UntilSomeoneWaitsAsync(SystemUnderTest system, string jobId) => Ledger.EventuallyAsync(async () =>
    {
        await using var cmd = system.Database.CreateCommand("""
            select count(*)::int
              from scheduler.job_schedules s
              join pg_locks l on l.locktype = 'tuple' and l.relation = 'scheduler.job_schedules'::regclass
                             and l.database = (select oid from pg_database where datname = current_database())
                             and l.page = (s.ctid::text::point)[0]::int and l.tuple = (s.ctid::text::point)[1]::int
             where s.job_id = $1
               and exists (select 1 from pg_locks w where w.pid = l.pid and not w.granted)
            """);
        cmd.Parameters.AddWithValue(jobId);
        return (int)(await cmd.ExecuteScalarAsync())! > 0;
    });
}
