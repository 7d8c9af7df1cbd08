using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using IotHubJobs.Query;
using IotHubJobs.Registry;
using Npgsql;

namespace Integration.Tests.Devices;

/// <summary>
/// A registry from before identities had a table of their own (libs/Registry/Database/registry.sql): each device's
/// identity was a column of its twin's row. The first start of a service moves them to <c>registry.identities</c>, and a
/// later start changes nothing. A registry from before only the tags were indexed gets their column and index, and loses the
/// index over whole twins. On a scratch database of its own, with the old schema made by hand.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class RegistryUpgradeSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_registry_whose_identities_were_a_column_of_the_twins_keeps_every_device_once_they_move_to_their_own_table()
    {
        await using var database = await ScratchRegistry.EmptyAsync(system, "iothub_upgrade_");
        await ScratchRegistry.ExecuteAsync(database, """
            create schema registry;
            create table registry.devices (device_id text collate "C" primary key, twin jsonb not null, identity jsonb not null, created_at timestamptz not null);
            insert into registry.devices (device_id, twin, identity, created_at)
            select 'device-' || i, jsonb_build_object('deviceId', 'device-' || i, 'tags', jsonb_build_object('n', i)),
                   jsonb_build_object('deviceId', 'device-' || i, 'status', 'enabled', 'generationId', 'g' || i), now()
              from generate_series(1, 3) i;
            """);
        var schema = await ScratchRegistry.SchemaAsync();

        await ScratchRegistry.ExecuteAsync(database, schema);
        await ScratchRegistry.ExecuteAsync(database, schema);

        var registry = new DeviceRegistry(database);
        foreach (var i in new[] { 1, 2, 3 })
        {
            var device = await registry.FindAsync($"device-{i}", CancellationToken.None);
            Assert.NotNull(device);
            Assert.Equal($"g{i}", (string?)device.Identity["generationId"]);
            Assert.Equal(i, (int?)device.Twin["tags"]!["n"]);
        }
        Assert.Equal(3L, await ScalarAsync(database, "select count(*) from registry.identities"));
        Assert.Equal(0L, await ScalarAsync(database, """
            select count(*) from pg_attribute where attrelid = 'registry.devices'::regclass and attname = 'identity' and not attisdropped
            """));
    }

    [Fact]
    public async Task A_registry_whose_whole_twins_were_indexed_finds_devices_by_their_tags_through_the_tags_index_once_upgraded()
    {
        await using var database = await ScratchRegistry.EmptyAsync(system, "iothub_upgrade_");
        await ScratchRegistry.ExecuteAsync(database, """
            create schema registry;
            create table registry.devices (device_id text collate "C" primary key, twin jsonb not null, created_at timestamptz not null);
            create index ix_devices_twin on registry.devices using gin (twin jsonb_path_ops);
            insert into registry.devices (device_id, twin, created_at)
            select 'device-' || i, jsonb_build_object('deviceId', 'device-' || i, 'tags', jsonb_build_object('n', i)), now()
              from generate_series(1, 3) i;
            """);
        var schema = await ScratchRegistry.SchemaAsync();

        await ScratchRegistry.ExecuteAsync(database, schema);
        await ScratchRegistry.ExecuteAsync(database, schema);

        var condition = QueryParser.ParseCondition("tags.n = 2", DeviceQuerySource.Source);
        var (count, samples) = await new DeviceRegistry(database).PreviewTargetsAsync(condition, 10, CancellationToken.None);
        Assert.Equal(1, count);
        Assert.Equal(["device-2"], samples);
        Assert.Equal("devices_pkey,ix_devices_tags", await TextAsync(database,
            "select string_agg(indexname, ',' order by indexname) from pg_indexes where schemaname = 'registry' and tablename = 'devices'"));
        Assert.Equal("{fillfactor=50}", await TextAsync(database, "select reloptions::text from pg_class where oid = 'registry.devices'::regclass"));
    }

    [Fact]
    public async Task A_device_created_twice_keeps_its_first_identity_and_once_deleted_and_created_again_has_only_the_new_one()
    {
        await using var database = await ScratchRegistry.CreateAsync(system, "iothub_upgrade_");
        var registry = new DeviceRegistry(database);
        var now = DateTimeOffset.UtcNow;
        DeviceRegistry.Device Device(string generation) =>
            new("d1", new JsonObject { ["deviceId"] = "d1", ["generationId"] = generation }, new JsonObject { ["deviceId"] = "d1" });

        Assert.Empty(await registry.CreateAsync([Device("first")], now, CancellationToken.None));
        Assert.Equal(["d1"], await registry.CreateAsync([Device("second")], now, CancellationToken.None));
        Assert.Equal("first", (string?)(await registry.FindAsync("d1", CancellationToken.None))!.Identity["generationId"]);
        Assert.Equal(["d1"], await registry.DeleteAsync(["d1"], CancellationToken.None));
        Assert.Equal(0L, await ScalarAsync(database, "select count(*) from registry.identities"));
        Assert.Empty(await registry.CreateAsync([Device("third")], now, CancellationToken.None));

        Assert.Equal("third", (string?)(await registry.FindAsync("d1", CancellationToken.None))!.Identity["generationId"]);
        Assert.Equal(1L, await ScalarAsync(database, "select count(*) from registry.identities"));
    }

    private static async Task<string> TextAsync(NpgsqlDataSource database, string sql)
    {
        await using var cmd = database.CreateCommand(sql);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource database, string sql)
    {
        await using var cmd = database.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
