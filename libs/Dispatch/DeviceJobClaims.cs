using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// Claims pending device jobs before anything touches a device. Only a pending row can be claimed, so a command
/// delivered again, or sent twice, never reaches a device whose device job already ran, is running elsewhere, was
/// canceled or timed out: at most once per job and device and attempt. A claim holds for a lease; past it, jobs-api fails
/// the device job as outcome unknown. Each claim is an attempt: a rollout that retries a failed attempt makes the device job
/// pending again with the time its next attempt is due, and no claim takes it before then (docs/rollouts.md, "Retries").
/// </summary>
public sealed class DeviceJobClaims(NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>The devices claimed, when, until when, and which attempt each claim is (1 for the first).</summary>
    public sealed record Claim(IReadOnlyList<string> DeviceIds, DateTimeOffset ClaimedAt, DateTimeOffset ClaimedUntil,
        IReadOnlyDictionary<string, int>? Attempts = null)
    {
        public int? AttemptOf(string deviceId) => Attempts is not null && Attempts.TryGetValue(deviceId, out var attempt) ? attempt : null;
    }

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
        // The claim and its lease in one statement: a claim is never without the lease that finds it once it expires.
        await using var cmd = new NpgsqlCommand("""
            with claimed as (
                update dispatch.device_jobs
                   set status = 'running', start_utc = coalesce(start_utc, $3), last_updated_utc = $3, claimed_by = $4, claimed_until = $5,
                       attempts = attempts + 1, next_attempt_at = null, attempt_sent_until = null, acknowledge_by = null
                 where job_id = $1 and device_id = any($2) and device_id between $6 and $7 and status = 'pending'
                   and (next_attempt_at is null or next_attempt_at <= $3)
                returning device_id, attempts),
            lease as (
                insert into dispatch.claim_leases (job_id, device_ids, check_at)
                select $1, array_agg(device_id), $5 from claimed having count(*) > 0)
            select device_id, attempts from claimed
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(claimedBy);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        DeviceIdRange.Of(deviceIds).AddTo(cmd);
        var claimed = new List<string>(deviceIds.Count);
        var attempts = new Dictionary<string, int>(deviceIds.Count, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            claimed.Add(reader.GetString(0));
            attempts[reader.GetString(0)] = reader.GetInt32(1);
        }
        return new Claim(claimed, now, until, attempts);
    }

    /// <summary>How long a claim outlives an acknowledgement's timeout, so that the timeout, not the claim's expiry, ends the device job.</summary>
    public static readonly TimeSpan AcknowledgementMargin = TimeSpan.FromSeconds(60);

    /// <summary>
    /// An acknowledged twin job's claimed device jobs whose twins were updated wait for their devices to report the desired
    /// values until <paramref name="until"/> (docs/rollouts.md, "Acknowledged twin jobs"); jobs-api ends them.
    /// </summary>
    public async Task AwaitAcknowledgementAsync(string jobId, IReadOnlyList<string> deviceIds, string claimedBy, DateTimeOffset until, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            update dispatch.device_jobs set acknowledge_by = $4, claimed_until = $5, last_updated_utc = $6
             where job_id = $1 and device_id = any($2) and device_id between $7 and $8 and status = 'running' and claimed_by = $3
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(claimedBy);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        cmd.Parameters.AddWithValue((until + AcknowledgementMargin).UtcDateTime);
        cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime);
        DeviceIdRange.Of(deviceIds).AddTo(cmd);
        await cmd.ExecuteNonQueryAsync(ct);
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
             where job_id = $1 and device_id = any($2) and device_id between $5 and $6 and status = 'running' and claimed_by = $3
            returning device_id
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(claimedBy);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        DeviceIdRange.Of(deviceIds).AddTo(cmd);
        var renewed = new List<string>(deviceIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) renewed.Add(reader.GetString(0));
        return new Claim(renewed, now, until);
    }
}
