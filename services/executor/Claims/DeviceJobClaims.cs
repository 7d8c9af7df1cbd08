using Npgsql;

namespace Executor.Claims;

/// <summary>
/// Claims pending device jobs before touching a device. Only a pending row can be claimed, so a redelivered
/// command never invokes a device whose device job already ran or is running elsewhere: at most once per job.
/// </summary>
public sealed class DeviceJobClaims(NpgsqlDataSource dataSource, TimeProvider clock, IConfiguration configuration)
{
    private readonly string _instanceId = configuration["Executor:InstanceId"] ?? Environment.MachineName;

    /// <summary>Grace beyond the device timeouts before an unreported claim is considered lost.</summary>
    private readonly TimeSpan _claimGrace = TimeSpan.FromSeconds(configuration.GetValue("Executor:ClaimGraceSeconds", 30.0));

    /// <summary>The devices claimed, when, and until when: past <c>ClaimedUntil</c> the sweeper fails them as lost.</summary>
    public sealed record Claim(IReadOnlyList<string> DeviceIds, DateTimeOffset ClaimedAt, DateTimeOffset ClaimedUntil);

    public async Task<Claim> ClaimAsync(
        string jobId, IReadOnlyList<string> deviceIds, TimeSpan expectedDuration, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var until = now + expectedDuration + _claimGrace;
        await using var cmd = dataSource.CreateCommand("""
            update dispatch.device_jobs
               set status = 'running', start_utc = $3, last_updated_utc = $3, claimed_by = $4, claimed_until = $5
             where job_id = $1 and device_id = any($2) and status = 'pending'
            returning device_id
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(_instanceId);
        cmd.Parameters.AddWithValue(until.UtcDateTime);
        var claimed = new List<string>(deviceIds.Count);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) claimed.Add(reader.GetString(0));
        return new Claim(claimed, now, until);
    }
}
