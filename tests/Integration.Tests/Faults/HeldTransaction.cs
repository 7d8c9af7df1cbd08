using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// A transaction a spec keeps open so that what its one statement took (a lock, an uncommitted row) stays held until it
/// is disposed, then rolled back, or committed. Released once: a spec may release it early and still dispose it at the
/// end of its block.
/// </summary>
public sealed class HeldTransaction : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private HeldTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    /// <summary>Runs <paramref name="sql"/> in a new transaction and keeps it open; the statement's first value comes back too.</summary>
    public static async Task<(HeldTransaction Held, object? Value)> BeginAsync(NpgsqlDataSource database, string sql, params object[] parameters)
    {
        var connection = await database.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        foreach (var parameter in parameters) cmd.Parameters.AddWithValue(parameter);
        var value = await cmd.ExecuteScalarAsync();
        return (new HeldTransaction(connection, transaction), value);
    }

    /// <summary>
    /// Whether another session waits on what this transaction holds (a lock, an uncommitted key). Asked on a connection of
    /// its own: inside a transaction PostgreSQL keeps showing the activity it saw first.
    /// </summary>
    public async Task<bool> BlocksAnotherAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("select exists (select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid)))");
        cmd.Parameters.AddWithValue(_connection.ProcessID);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Ends the transaction by committing what its statement wrote, as the process a spec plays would have.</summary>
    public Task CommitAsync() => EndAsync(commit: true);

    public async ValueTask DisposeAsync() => await EndAsync(commit: false);

    private async Task EndAsync(bool commit)
    {
        if (_released) return;
        _released = true;
        if (commit) await _transaction.CommitAsync();
        else await _transaction.RollbackAsync();
        await _connection.DisposeAsync();
    }
}
