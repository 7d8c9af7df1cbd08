using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;
using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Holds every scheduler's loop at the start of its next pass until disposed. Each pass first fires due start timers, and
/// to do so takes one advisory lock, the starters' gate (services/scheduler/Schedules/StartDueJobs.cs); this holds that
/// lock, so no timer fires and no fan-out chunk, rollout wave, retry or deadline runs; a pass already past the gate
/// finishes. A spec needs it where a cancel must get a schedule row before any scheduler: PostgreSQL does not hand a row
/// to the session queued for it, and a scheduler that arrives as the holder lets go may take the row first.
/// </summary>
public static class SchedulerGate
{
    /// <summary>The key StartDueJobs locks with <c>pg_advisory_xact_lock</c>.</summary>
    private const long StartersKey = 0x5C4ED_0002;

    public static async Task<HeldTransaction> HoldAsync(NpgsqlDataSource database) =>
        (await HeldTransaction.BeginAsync(database, "select pg_advisory_xact_lock($1)", StartersKey)).Held;

    /// <summary>Until this many schedulers wait at the gate: none of them is in the middle of a pass.</summary>
    public static Task UntilSchedulersWaitAsync(SystemUnderTest system, int schedulers) => Ledger.EventuallyAsync(async () =>
    {
        // A bigint advisory key shows in pg_locks as its high half (classid) and its low half (objid).
        await using var cmd = system.Database.CreateCommand("""
            select count(*)::int from pg_locks
             where locktype = 'advisory' and not granted and objsubid = 1
               and database = (select oid from pg_database where datname = current_database())
               and (classid::bigint << 32 | objid::bigint) = $1
            """);
        cmd.Parameters.AddWithValue(StartersKey);
        return (int)(await cmd.ExecuteScalarAsync())! >= schedulers;
    });
}
