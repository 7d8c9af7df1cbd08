using JasperFx;
using Marten;
using Npgsql;
using Weasel.Core.Migrations;
using Weasel.Postgresql;

namespace JobsApi.Jobs;

/// <summary>
/// Applies the job store's schema (<see cref="JobStore"/>) at start-up, before the async daemon runs, as Marten's own
/// start-up step would, but waiting for a slow database and for a replica that changes the schema at the same time,
/// instead of ending the process: Marten's step reconnects three times within half a second and gives up on the schema
/// lock after 400 ms, and on a loaded machine opening one connection took longer than the five seconds a connection may
/// take here (libs/ServiceDefaults/Postgres.cs), so jobs-api exited during start-up.
/// </summary>
internal sealed class JobStoreSchema(IDocumentStore store, TimeProvider clock, ILogger<JobStoreSchema> logger)
    : IHostedService, IGlobalLock<NpgsqlConnection>
{
    /// <summary>Reconnections with exponential backoff from half a second: about a minute in all.</summary>
    private static readonly ReconnectionOptions WaitForDatabase = new(MaxReconnectionCount: 7, DelayInMs: 500);
    /// <summary>A replica holding the lock is applying the same changes, which takes seconds; it lets go when it ends.</summary>
    private static readonly TimeSpan WaitForReplica = TimeSpan.FromMinutes(2);

    private int LockId => ((DocumentStore)store).Options.ApplyChangesLockId;

    public async Task StartAsync(CancellationToken ct)
    {
        var database = (PostgresqlDatabase)store.Storage.Database;
        await database.ApplyAllConfiguredChangesToDatabaseAsync(this, AutoCreate.CreateOrUpdate, WaitForDatabase, ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    public async Task<AttainLockResult> TryAttainLock(NpgsqlConnection conn, CancellationToken ct = default)
    {
        var started = clock.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            var result = await conn.TryGetGlobalLock(LockId, cancellation: ct);
            if (result.Succeeded || result.ShouldReconnect || clock.GetElapsedTime(started) > WaitForReplica) return result;
            if (attempt == 1) logger.LogInformation("Another jobs-api replica is changing the job store's schema; waiting for it to finish");
            await Task.Delay(TimeSpan.FromMilliseconds(250), clock, ct);
        }
    }

    public Task ReleaseLock(NpgsqlConnection conn, CancellationToken ct = default) => conn.ReleaseGlobalLock(LockId, cancellation: ct);
}
