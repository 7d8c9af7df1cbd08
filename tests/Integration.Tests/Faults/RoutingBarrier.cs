using Npgsql;

namespace Integration.Tests.Faults;

/// <summary>
/// Holds every executor's routing of device commands until disposed: routing first reads where devices are connected
/// (libs/Presence/DeviceRoutes.cs), and an exclusive lock on <c>presence.connections</c> makes that read wait. A command
/// published meanwhile reaches no device layer, so its device jobs stay pending, unclaimed, for as long as a spec needs.
/// </summary>
public sealed class RoutingBarrier : IAsyncDisposable
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private bool _released;

    private RoutingBarrier(NpgsqlConnection connection, NpgsqlTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    public static async Task<RoutingBarrier> HoldAsync(NpgsqlDataSource database)
    {
        var connection = await database.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("lock table presence.connections in access exclusive mode", connection, transaction);
        await cmd.ExecuteNonQueryAsync();
        return new RoutingBarrier(connection, transaction);
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
