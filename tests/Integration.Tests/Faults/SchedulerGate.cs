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
public sealed class SchedulerGate : IAsyncDisposable
{
    /// <summary>The key StartDueJobs locks with <c>pg_advisory_xact_lock</c>.</summary>
    private const long StartersKey = 0x5C4ED_0002;

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private SchedulerGate(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<SchedulerGate> HoldAsync(NpgsqlDataSource database)
    {
        var connection = await database.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", connection, transaction);
        cmd.Parameters.AddWithValue(StartersKey);
        await cmd.ExecuteNonQueryAsync();
        return new SchedulerGate(connection, transaction);
    }

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

    public async ValueTask DisposeAsync()
    {
        if (_released) return;
        _released = true;
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
