using Integration.Tests.Infrastructure;
using IotHubJobs.Query;
using IotHubJobs.Registry;
using Npgsql;

namespace Integration.Tests.Jobs;

/// <summary>
/// A job's targets are paged in device-id order (libs/Registry/DeviceRegistry.cs, <c>TargetsAsync</c>): a page walks the
/// next devices first and asks the tags index only when they hold too few matches and more devices follow, after analyzing
/// a stale registry. The twins' tags here are over 1 KB each, of which PostgreSQL keeps no statistics. The oracles are the
/// ids paged, against those the spec inserted, the tags index's scans counted by PostgreSQL in each page's own transaction,
/// and the registry's last analysis. On a scratch database of its own, which autovacuum leaves alone.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class TargetPagingSpecs(SystemUnderTest system)
{
    private const int Fleet = 3000;
    private const int PageSize = 100;
    private static readonly DateTimeOffset Imported = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_condition_every_twin_matches_is_paged_in_device_order_without_reading_the_twin_index_for_each_page()
    {
        await using var database = await FleetRegistryAsync();

        var (paged, indexScans) = await PageAllAsync(database, "tags.fleet = 'all'");

        Assert.Equal(DeviceIds(Fleet), paged);
        // Thirty full pages walk, and the last, empty one walked past the last device: none asks the index.
        Assert.Equal(0, indexScans);
    }

    [Fact]
    public async Task A_stale_registry_is_analyzed_before_a_page_asks_the_twin_index_and_never_for_pages_that_walk()
    {
        await using var database = await FleetRegistryAsync(analyzed: false);

        await PageAllAsync(database, "tags.fleet = 'all'");
        Assert.Null(await ScratchRegistry.LastAnalyzedAsync(database));

        var (paged, indexScans) = await PageAllAsync(database, "tags.rare = 'yes'");
        Assert.NotNull(await ScratchRegistry.LastAnalyzedAsync(database));
        Assert.True(indexScans > 0);
        Assert.Equal(DeviceIds(Fleet).Where((_, i) => i % 50 == 0), paged);
    }

    [Fact]
    public async Task A_condition_few_twins_match_is_paged_through_the_index_and_misses_none()
    {
        await using var database = await FleetRegistryAsync();

        var (paged, _) = await PageAllAsync(database, "tags.rare = 'yes'");

        Assert.Equal(DeviceIds(Fleet).Where((_, i) => i % 50 == 0), paged);
    }

    [Fact]
    public async Task A_condition_that_matches_one_range_of_ids_is_paged_exactly_and_devices_added_after_the_start_are_left_out()
    {
        await using var database = await FleetRegistryAsync();
        await InsertAsync(database, "late-", 0, 200, Imported.AddMinutes(5));

        var (paged, _) = await PageAllAsync(database, "tags.region = 'south'");

        Assert.Equal(DeviceIds(Fleet).Skip(Fleet / 2), paged);
    }

    private static IEnumerable<string> DeviceIds(int count) => Enumerable.Range(0, count).Select(i => $"device-{i:D5}");

    /// <summary>Pages as the scheduler does, one transaction a page, until a page comes back short.</summary>
    private static async Task<(List<string> Paged, long IndexScans)> PageAllAsync(NpgsqlDataSource database, string queryCondition)
    {
        var condition = QueryParser.ParseCondition(queryCondition, DeviceQuerySource.Source);
        var (paged, indexScans, after) = (new List<string>(), 0L, "");
        while (true)
        {
            await using var conn = await database.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            var page = await DeviceRegistry.TargetsAsync(conn, tx, condition, after, Imported.AddMinutes(1), PageSize, CancellationToken.None);
            await using (var scans = new NpgsqlCommand("select pg_stat_get_xact_numscans('registry.ix_devices_tags'::regclass)", conn, tx))
                indexScans += (long)(await scans.ExecuteScalarAsync())!;
            await tx.CommitAsync();
            paged.AddRange(page);
            if (page.Count < PageSize) return (paged, indexScans);
            after = page[^1];
        }
    }

    /// <summary>
    /// The registry's own schema with a fleet of twins over 1 KB each, analyzed unless told otherwise (then its statistics
    /// are stale, and only the code under test analyzes it): every device is in fleet "all", the first half in region
    /// "north" and the rest in "south", and every 50th is "rare".
    /// </summary>
    private async Task<NpgsqlDataSource> FleetRegistryAsync(bool analyzed = true)
    {
        var database = await ScratchRegistry.CreateAsync(system, "iothub_paging_");
        await InsertAsync(database, "device-", 0, Fleet, Imported);
        if (analyzed) await ScratchRegistry.ExecuteAsync(database, "analyze registry.devices");
        return database;
    }

    /// <summary>Devices inserted in one statement; their counts reach the statistics views before this returns.</summary>
    private static async Task InsertAsync(NpgsqlDataSource database, string prefix, int from, int count, DateTimeOffset createdAt)
    {
        await using var conn = await database.OpenConnectionAsync();
        await using (var insert = new NpgsqlCommand("""
            insert into registry.devices (device_id, twin, created_at)
            select $1 || lpad(i::text, 5, '0'),
                   jsonb_build_object('tags', jsonb_build_object(
                       'fleet', 'all',
                       'region', case when i < $4 / 2 then 'north' else 'south' end,
                       'rare', case when i % 50 = 0 then 'yes' else 'no' end,
                       'notes', repeat('x', 1200))),
                   $3
              from generate_series($2, $2 + $4 - 1) i
            """, conn))
        {
            insert.Parameters.AddWithValue(prefix);
            insert.Parameters.AddWithValue(from);
            insert.Parameters.AddWithValue(createdAt.UtcDateTime);
            insert.Parameters.AddWithValue(count);
            await insert.ExecuteNonQueryAsync();
        }
        await ScratchRegistry.ReportChangesAsync(conn);
    }
}
