using System.Reflection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace IotHubJobs.ServiceDefaults.Database;

/// <summary>The DDL script of one table owner, embedded in the owner's assembly (e.g. <c>dispatch.sql</c> in libs/Dispatch).</summary>
public sealed record SchemaScript(string Owner, string Sql)
{
    public static SchemaScript Embedded(Assembly owner, string fileName)
    {
        var name = owner.GetManifestResourceNames().SingleOrDefault(n => n.EndsWith("." + fileName, StringComparison.Ordinal))
                   ?? throw new InvalidOperationException($"{fileName} is not embedded in {owner.GetName().Name}");
        using var reader = new StreamReader(owner.GetManifestResourceStream(name)!);
        return new SchemaScript(owner.GetName().Name!, reader.ReadToEnd());
    }
}

/// <summary>
/// Runs, at start-up and before any consumer, the DDL of every table owner this service uses. Each script is
/// idempotent and owned by one component; several services start at once against one database, so they take turns.
/// </summary>
internal sealed class DatabaseSchema(NpgsqlDataSource dataSource, IEnumerable<SchemaScript> scripts, ILogger<DatabaseSchema> logger) : IHostedService
{
    // Serialises concurrent start-ups of several services against one database.
    private const long AdvisoryLockKey = 0x10_7417_0B5;

    public async Task StartAsync(CancellationToken ct)
    {
        var owned = scripts.DistinctBy(s => s.Owner).ToList();
        if (owned.Count == 0) return;
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
                foreach (var script in owned)
                {
                    await using var cmd = new NpgsqlCommand(script.Sql, conn, tx);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
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
}
