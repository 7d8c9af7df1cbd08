using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Stops a job's fan-out at the chunk that holds one chosen device: an uncommitted ledger row for that device makes
/// the scheduler's insert of the same key wait until the barrier is released (rolled back). Chunks before it commit,
/// so a fault can be injected into a fan-out that is provably half done.
/// </summary>
public sealed class FanOutBarrier : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private FanOutBarrier(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<FanOutBarrier> HoldAsync(NpgsqlDataSource database, string jobId, string deviceId)
    {
        var connection = await database.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("""
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            values ($1, $2, 'scheduleDeviceMethod', 'pending', now(), now())
            """, connection, transaction);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceId);
        await cmd.ExecuteNonQueryAsync();
        return new FanOutBarrier(connection, transaction);
    }

    /// <summary>Releases the barrier (once): a spec may release it early and still dispose it at the end of its block.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_released) return;
        _released = true;
        await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
