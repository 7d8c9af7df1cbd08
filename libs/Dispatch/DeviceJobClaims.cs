using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// Claims pending device jobs before anything touches a device. Only a pending row can be claimed, so a command
/// delivered again, or sent twice, never reaches a device whose device job already ran, is running elsewhere, was
/// canceled or timed out: at most once per job and device. A claim holds for a lease; past it, jobs-api fails the
/// device job as outcome unknown.
/// </summary>
public sealed class DeviceJobClaims(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The devices claimed, when, and until when.</summary>
    public sealed record Claim(IReadOnlyList<string> DeviceIds, DateTimeOffset ClaimedAt, DateTimeOffset ClaimedUntil);

    public async Task<Claim> ClaimAsync(string jobId, IReadOnlyList<string> deviceIds, string claimedBy, TimeSpan lease, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await ClaimAsync(conn, null, jobId, deviceIds, claimedBy, lease, ct);
    }

    /// <summary>The same, inside the caller's transaction (the claim then commits with whatever else it records).</summary>
    public async Task<Claim> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string jobId, IReadOnlyList<string> deviceIds,
        string claimedBy, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        await using var cmd = new NpgsqlCommand("""
            update dispatch.device_jobs
               set status = 'running', start_utc = $3, last_updated_utc = $3, claimed_by = $4, claimed_until = $5
             where job_id = $1 and device_id = any($2) and status = 'pending'
            returning device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(claimedBy);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        var claimed = new List<string>(deviceIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(reader.GetString(0));
        return new Claim(claimed, now, until);
    }

    /// <summary>
    /// Extends the lease of these claimed device jobs while their claimant still holds results it could not report (the
    /// broker is away); returns the devices still claimed by it, none once they were recorded or failed meanwhile.
    /// </summary>
    public async Task<Claim> RenewAsync(string jobId, IReadOnlyList<string> deviceIds, string claimedBy, TimeSpan lease, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + lease;
        await using var cmd = dataSource.CreateCommand("""
            update dispatch.device_jobs set claimed_until = $4
             where job_id = $1 and device_id = any($2) and status = 'running' and claimed_by = $3
            returning device_id
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(claimedBy);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        var renewed = new List<string>(deviceIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) renewed.Add(reader.GetString(0));
        return new Claim(renewed, now, until);
    }
}
