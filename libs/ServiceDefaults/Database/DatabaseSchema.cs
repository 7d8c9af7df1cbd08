using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IotHubJobs.ServiceDefaults.Database;

/// <summary>Creates the project's own tables at start-up, before any consumer runs.</summary>
internal sealed class DatabaseSchema(NpgsqlDataSource dataSource, ILogger<DatabaseSchema> logger) : IHostedService
{
    // Serialises concurrent start-ups of several services against one database.
    private const long AdvisoryLockKey = 0x10_7417_0B5;

    public async Task StartAsync(CancellationToken ct)
    {
        var sql = await ReadSchemaAsync();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock($1)", conn, tx))
                {
                    lockCmd.Parameters.AddWithValue(AdvisoryLockKey);
                    await lockCmd.ExecuteNonQueryAsync(ct);
                }
                await using (var cmd = new NpgsqlCommand(sql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                return;
            }
            catch (NpgsqlException e) when (attempt < 30 && !ct.IsCancellationRequested)
            {
                logger.LogWarning("Database not ready ({Message}); retrying", e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private static async Task<string> ReadSchemaAsync()
    {
        await using var stream = typeof(DatabaseSchema).Assembly.GetManifestResourceStream("IotHubJobs.Database.schema.sql")
                                 ?? throw new InvalidOperationException("schema.sql is not embedded");
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }
}
