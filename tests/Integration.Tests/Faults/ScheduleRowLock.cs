using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Holds a job's row of <c>scheduler.job_schedules</c> locked (<c>SELECT … FOR UPDATE</c>) until disposed. The schedulers
/// take that row with <c>SKIP LOCKED</c> to start a job, to fan it out and to expire its deadline, so while it is held the
/// job stays exactly as <see cref="State"/> says, whatever the clock; a cancel takes the row lock and waits behind it
/// (<see cref="ScheduleRowWaits"/> sees it waiting), and gets the row first once it is released.
/// </summary>
public sealed class ScheduleRowLock : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private ScheduleRowLock(NpgsqlConnection connection, NpgsqlTransaction transaction, string? state) =>
        (_connection, _transaction, State) = (connection, transaction, state);

    /// <summary>The row's state when the lock was taken (null: the scheduler has not recorded the job).</summary>
    public string? State { get; }

    public static async Task<ScheduleRowLock> HoldAsync(NpgsqlDataSource database, string jobId)
    {
        var connection = await database.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("select state from scheduler.job_schedules where job_id = $1 for update", connection, transaction);
        cmd.Parameters.AddWithValue(jobId);
        return new ScheduleRowLock(connection, transaction, await cmd.ExecuteScalarAsync() as string);
    }

    public async ValueTask DisposeAsync()
    {
        if (_released) return;
        _released = true;
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
