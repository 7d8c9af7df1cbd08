using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Faults;

/// <summary>
/// Sees a transaction waiting for the lock of a row of <c>scheduler.job_schedules</c>: PostgreSQL gives a session that
/// queues for a row lock a tuple lock on the table while it waits (for the holder's transaction id, a lock not yet
/// granted). With a fan-out held by a <see cref="FanOutBarrier"/>, or a row held by a <see cref="ScheduleRowLock"/>, this
/// tells a spec that a cancel has reached the scheduler and waits behind it. A scheduler passing the row by with
/// <c>SKIP LOCKED</c> takes the tuple lock for an instant too, but never waits: only a session with a lock not granted counts.
/// </summary>
public static class ScheduleRowWaits
{
    public static Task UntilSomeoneWaitsAsync(SystemUnderTest system) => Ledger.EventuallyAsync(async () =>
    {
        await using var cmd = system.Database.CreateCommand("""
            select count(*)::int from pg_locks l
              join pg_class c on c.oid = l.relation join pg_namespace n on n.oid = c.relnamespace
             where l.locktype = 'tuple' and n.nspname = 'scheduler' and c.relname = 'job_schedules'
               and l.database = (select oid from pg_database where datname = current_database())
               and exists (select 1 from pg_locks w where w.pid = l.pid and not w.granted)
            """);
        return (int)(await cmd.ExecuteScalarAsync())! > 0;
    });
}
