using Integration.Tests.Infrastructure;
using IotHubJobs.Registry;
using Npgsql;

namespace Integration.Tests.Jobs;

/// <summary>
/// Before a page of a job's targets asks the twin index, the registry is analyzed when its statistics are stale
/// (libs/Registry/DeviceRegistry.cs, <c>AnalyzeWhenStaleAsync</c>): a fleet imported just before had none, and without
/// them every page read and sorted all matching twins. When that happens is TargetPagingSpecs' part; this spec proves
/// what stale means. On a scratch database whose registry only this spec analyzes.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TargetStatisticsSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_registry_changed_by_a_tenth_since_its_statistics_is_analyzed_and_a_fresh_one_is_not()
    {
        await using var database = NpgsqlDataSource.Create(await SystemUnderTest.CreateDatabaseAsync(system.DatabaseConnectionString, "iothub_stats_"));
        await ExecuteAsync(database, await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "libs/Registry/Database/registry.sql")));
        await ExecuteAsync(database, "alter table registry.devices set (autovacuum_enabled = false)");

        await ImportAsync(database, from: 0, count: 2000);
        Assert.Null(await LastAnalyzedAsync(database));
        Assert.True(await AnalyzeWhenStaleAsync(database));
        var analyzed = await LastAnalyzedAsync(database);
        Assert.NotNull(analyzed);
        Assert.False(await AnalyzeWhenStaleAsync(database));

        // Fewer changes than DeviceRegistry.StaleAfterChanges leave the statistics as they are.
        await ImportAsync(database, from: 2000, count: 150);
        Assert.False(await AnalyzeWhenStaleAsync(database));
        Assert.Equal(analyzed, await LastAnalyzedAsync(database));

        // More than a tenth of the registry and more than StaleAfterChanges: analyzed again.
        await ImportAsync(database, from: 2150, count: 1200);
        Assert.True(await AnalyzeWhenStaleAsync(database));
        Assert.NotEqual(analyzed, await LastAnalyzedAsync(database));
    }

    private static async Task<bool> AnalyzeWhenStaleAsync(NpgsqlDataSource database)
    {
        await using var conn = await database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var analyzed = await DeviceRegistry.AnalyzeWhenStaleAsync(conn, tx, CancellationToken.None);
        await tx.CommitAsync();
        return analyzed;
    }

    /// <summary>Devices inserted in one statement; their counts reach the statistics views before this returns.</summary>
    private static async Task ImportAsync(NpgsqlDataSource database, int from, int count)
    {
        await using var conn = await database.OpenConnectionAsync();
        await using (var insert = new NpgsqlCommand("""
            insert into registry.devices (device_id, twin, created_at)
            select 'device-' || lpad(i::text, 6, '0'), '{"tags":{}}', now() from generate_series($1, $1 + $2 - 1) i
            """, conn))
        {
            insert.Parameters.AddWithValue(from);
            insert.Parameters.AddWithValue(count);
            await insert.ExecuteNonQueryAsync();
        }
        // A backend reports its counts when it goes idle, at most once a second unless told to: this makes the report now.
        await using var flush = new NpgsqlCommand("select pg_stat_force_next_flush()", conn);
        await flush.ExecuteNonQueryAsync();
    }

    private static async Task<DateTime?> LastAnalyzedAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("select last_analyze from pg_stat_user_tables where relid = 'registry.devices'::regclass");
        return await cmd.ExecuteScalarAsync() is DateTime at ? at : null;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var cmd = database.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
