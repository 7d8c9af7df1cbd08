using Npgsql;

namespace Integration.Tests.Infrastructure;

/// <summary>
/// A database of a spec's own holding the registry's schema as libs/Registry runs it (Database/registry.sql), for specs
/// that look at what PostgreSQL does with the registry's tables: autovacuum leaves it alone, so only the code under test
/// analyzes it.
/// </summary>
public static class ScratchRegistry
{
    public static async Task<NpgsqlDataSource> CreateAsync(SystemUnderTest system, string databasePrefix)
    {
        var database = await EmptyAsync(system, databasePrefix);
        await ExecuteAsync(database, await SchemaAsync());
        await ExecuteAsync(database, "alter table registry.devices set (autovacuum_enabled = false)");
        return database;
    }

    /// <summary>A database without the schema, for a spec that makes an older one first.</summary>
    public static async Task<NpgsqlDataSource> EmptyAsync(SystemUnderTest system, string databasePrefix) =>
        NpgsqlDataSource.Create(await SystemUnderTest.CreateDatabaseAsync(system.DatabaseConnectionString, databasePrefix));

    public static Task<string> SchemaAsync() => File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "libs/Registry/Database/registry.sql"));

    public static async Task ExecuteAsync(NpgsqlDataSource database, string sql)
    {
        await using var cmd = database.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<DateTime?> LastAnalyzedAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("select last_analyze from pg_stat_user_tables where relid = 'registry.devices'::regclass");
        return await cmd.ExecuteScalarAsync() is DateTime at ? at : null;
    }

    /// <summary>
    /// A backend reports its counts of changed rows when it goes idle, at most once a second unless told to: this makes
    /// the report of what this connection wrote now, so the statistics views show it.
    /// </summary>
    public static async Task ReportChangesAsync(NpgsqlConnection conn)
    {
        await using var flush = new NpgsqlCommand("select pg_stat_force_next_flush()", conn);
        await flush.ExecuteNonQueryAsync();
    }
}
