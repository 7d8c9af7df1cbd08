using System.Text.RegularExpressions;
using Integration.Tests.Infrastructure;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.Dispatch;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Integration.Tests.Jobs;

/// <summary>
/// Expired claims are found through their leases (libs/Dispatch/Database/dispatch.sql, <c>dispatch.claim_leases</c>),
/// since no index of the ledger names the columns a claim changes. Each spec runs the ledger's own statements on a scratch
/// database of its own, where no service sweeps, and moves a fake clock. The oracle is the ledger's rows and the leases left.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class ClaimLeaseSpecs(SystemUnderTest system)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task An_expired_claim_is_found_when_its_lease_ends_and_again_until_its_failure_is_recorded()
    {
        await using var database = await ScratchLedgerAsync();
        var (ledger, claims) = (new DeviceJobLedger(database), new DeviceJobClaims(database, _clock));
        await RecordPendingAsync(database, "job-a", Devices("a", 3));
        var started = _clock.GetUtcNow();
        Assert.Equal(3, (await claims.ClaimAsync("job-a", Devices("a", 3), "sim-1", Lease, default)).DeviceIds.Count);

        Assert.Empty(await ledger.ExpiredClaimsAsync(started + Lease - TimeSpan.FromSeconds(1), 100, default));
        var expired = await ledger.ExpiredClaimsAsync(started + Lease + TimeSpan.FromSeconds(1), 100, default);
        Assert.Equal(Devices("a", 3), expired.Select(d => d.DeviceId).Order(StringComparer.Ordinal));
        Assert.All(expired, d => Assert.Equal(("job-a", 1), (d.JobId, d.Attempt)));
        Assert.Equal(3, (await ledger.ExpiredClaimsAsync(started + Lease + TimeSpan.FromSeconds(2), 100, default)).Count);

        await RecordFailedAsync(database, "job-a", Devices("a", 3));
        Assert.Empty(await ledger.ExpiredClaimsAsync(started + Lease + TimeSpan.FromSeconds(3), 100, default));
        Assert.Equal(0, await LeaseCountAsync(database));
    }

    [Fact]
    public async Task Recording_devices_that_have_device_jobs_again_keeps_those_and_adds_the_others_in_the_same_transaction()
    {
        await using var database = await ScratchLedgerAsync();
        var claims = new DeviceJobClaims(database, _clock);
        await RecordPendingAsync(database, "job-p", Devices("p", 2));
        Assert.Equal(2, (await claims.ClaimAsync("job-p", Devices("p", 2), "sim-1", Lease, default)).DeviceIds.Count);

        await using (var conn = await database.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            await DeviceJobLedger.RecordPendingAsync(conn, tx, "job-p", "scheduleDeviceMethod", Devices("p", 3), _clock.GetUtcNow(), default);
            await using var after = new NpgsqlCommand("insert into dispatch.claim_leases (job_id, device_ids, check_at) values ('job-q', '{}', now())", conn, tx);
            await after.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }

        await using var statuses = database.CreateCommand("select device_id, status from dispatch.device_jobs where job_id = 'job-p' order by device_id");
        var rows = new List<(string, string)>();
        await using (var reader = await statuses.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetString(1)));
        Assert.Equal([(Devices("p", 3)[0], "running"), (Devices("p", 3)[1], "running"), (Devices("p", 3)[2], "pending")], rows);
        Assert.Equal(2, await LeaseCountAsync(database));
    }

    [Fact]
    public async Task A_renewed_claim_outlives_its_first_lease_and_expires_when_the_renewal_ends()
    {
        await using var database = await ScratchLedgerAsync();
        var (ledger, claims) = (new DeviceJobLedger(database), new DeviceJobClaims(database, _clock));
        await RecordPendingAsync(database, "job-r", Devices("r", 2));
        var started = _clock.GetUtcNow();
        await claims.ClaimAsync("job-r", Devices("r", 2), "sim-1", Lease, default);

        _clock.Advance(TimeSpan.FromSeconds(20));
        var renewed = await claims.RenewAsync("job-r", Devices("r", 2), "sim-1", Lease, default);
        Assert.Equal(started + TimeSpan.FromSeconds(50), renewed.ClaimedUntil);

        Assert.Empty(await ledger.ExpiredClaimsAsync(started + Lease + TimeSpan.FromSeconds(1), 100, default));
        Assert.Equal(1, await LeaseCountAsync(database));
        Assert.Equal(2, (await ledger.ExpiredClaimsAsync(renewed.ClaimedUntil + TimeSpan.FromSeconds(1), 100, default)).Count);
    }

    [Fact]
    public async Task Leases_whose_device_jobs_all_ended_are_removed_in_one_sweep_however_many_and_only_the_lost_claim_is_found()
    {
        await using var database = await ScratchLedgerAsync();
        var (ledger, claims) = (new DeviceJobLedger(database), new DeviceJobClaims(database, _clock));
        var devices = Devices("m", 12_000);
        await RecordPendingAsync(database, "job-m", devices);
        var started = _clock.GetUtcNow();
        foreach (var chunk in devices.Chunk(1000)) await claims.ClaimAsync("job-m", chunk, "sim-1", Lease, default);
        Assert.Equal(12, await LeaseCountAsync(database));

        var lost = devices[11_500];
        await RecordFailedAsync(database, "job-m", devices.Where(d => d != lost).ToList());
        var expired = await ledger.ExpiredClaimsAsync(started + Lease + TimeSpan.FromSeconds(1), 100, default);

        Assert.Equal([lost], expired.Select(d => d.DeviceId));
        Assert.Equal(1, await LeaseCountAsync(database));
    }

    private static List<string> Devices(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D6}").ToList();

    private async Task<NpgsqlDataSource> ScratchLedgerAsync()
    {
        var database = NpgsqlDataSource.Create(await SystemUnderTest.CreateDatabaseAsync(system.DatabaseConnectionString, "iothub_leases_"));
        await using var cmd = database.CreateCommand(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "libs/Dispatch/Database/dispatch.sql")));
        await cmd.ExecuteNonQueryAsync();
        return database;
    }

    private async Task RecordPendingAsync(NpgsqlDataSource database, string jobId, IReadOnlyList<string> devices)
    {
        await using var conn = await database.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await DeviceJobLedger.RecordPendingAsync(conn, tx, jobId, "scheduleDeviceMethod", devices, _clock.GetUtcNow(), default);
        await tx.CommitAsync();
    }

    /// <summary>The ledger's own statement for results, as jobs-api queues it (its <c>?</c> placeholders numbered here).</summary>
    private async Task RecordFailedAsync(NpgsqlDataSource database, string jobId, IReadOnlyList<string> devices)
    {
        var now = _clock.GetUtcNow();
        var statement = DeviceJobLedger.RecordResults(jobId,
            devices.Select(d => new DeviceJobResult(d, false, now, now, null, null, "DeviceOperationOutcomeUnknown", "lost", 1)).ToList(), now);
        var number = 0;
        await using var cmd = database.CreateCommand(Placeholder().Replace(statement.Sql, _ => "$" + ++number));
        foreach (var value in statement.Parameters) cmd.Parameters.AddWithValue(value);
        Assert.Equal(devices.Count, await cmd.ExecuteNonQueryAsync());
    }

    private static async Task<long> LeaseCountAsync(NpgsqlDataSource database)
    {
        await using var cmd = database.CreateCommand("select count(*) from dispatch.claim_leases");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"\?")]
    private static partial Regex Placeholder();
}
