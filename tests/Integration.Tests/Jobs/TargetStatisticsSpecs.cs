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
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_stats_");

        await ImportAsync(database, from: 0, count: 2000);
        Assert.Null(await ScratchRegistry.LastAnalyzedAsync(database));
        Assert.True(await AnalyzeWhenStaleAsync(database));
        var analyzed = await ScratchRegistry.LastAnalyzedAsync(database);
        Assert.NotNull(analyzed);
        Assert.False(await AnalyzeWhenStaleAsync(database));

        // Fewer changes than DeviceRegistry.StaleAfterChanges leave the statistics as they are.
        await ImportAsync(database, from: 2000, count: 150);
        Assert.False(await AnalyzeWhenStaleAsync(database));
        Assert.Equal(analyzed, await ScratchRegistry.LastAnalyzedAsync(database));

        // More than a tenth of the registry and more than StaleAfterChanges: analyzed again.
        await ImportAsync(database, from: 2150, count: 1200);
        Assert.True(await AnalyzeWhenStaleAsync(database));
        Assert.NotEqual(analyzed, await ScratchRegistry.LastAnalyzedAsync(database));
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
        await ScratchRegistry.ReportChangesAsync(conn);
    }
}
