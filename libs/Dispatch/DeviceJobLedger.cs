using System.Text.Json.Nodes;
using IotHubJobs.Contracts.Jobs;
using Npgsql;

namespace IotHubJobs.Dispatch;

/// <summary>
/// The owner of <c>dispatch.device_jobs</c> (Database/dispatch.sql): every statement on the ledger, named by what it
/// does. Claims and their renewal are in <see cref="DeviceJobClaims"/>; what the query language may read is
/// <see cref="DeviceJobQuerySource"/>.
/// </summary>
public sealed class DeviceJobLedger(NpgsqlDataSource dataSource)
{
    /// <summary>The fan-out's part: these devices of a started job become pending device jobs (idempotent per job and device).</summary>
    public static async Task RecordPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string jobType,
        IReadOnlyList<string> deviceIds, DateTimeOffset at, CancellationToken ct)
    {
        if (deviceIds.Count == 0) return;
        await using var cmd = new NpgsqlCommand("""
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            select $1, d, $2, 'pending', $3, $3 from unnest($4::text[]) as d
            on conflict do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(jobType);
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The job's still pending devices in the device-id range (after, through], in order: a chunk to send again.</summary>
    public static async Task<List<string>> PendingBetweenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId,
        string after, string through, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select device_id from dispatch.device_jobs
             where job_id = $1 and device_id > $2 and device_id <= $3 and status = 'pending' order by device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(through);
        var devices = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) devices.Add(reader.GetString(0));
        return devices;
    }

    /// <summary>A cancelled job's pending device jobs become canceled; what is already claimed finishes. Returns how many.</summary>
    public static async Task<int> CancelPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update dispatch.device_jobs set status = 'canceled', end_utc = $2, last_updated_utc = $2
             where job_id = $1 and status = 'pending'
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Records results of unfinished device jobs (the caller passes only those); queued with the event that carries them.
    /// A device's first result wins: a row already final is not touched.
    /// </summary>
    public static UnitOfWorkStatement RecordResults(string jobId, IReadOnlyList<DeviceJobResult> results, DateTimeOffset at) => new("""
        update dispatch.device_jobs d
           set status = case when r.ok then 'completed' else 'failed' end,
               start_utc = coalesce(d.start_utc, r.started), end_utc = r.ended, last_updated_utc = ?,
               outcome = r.outcome::jsonb, error = r.error::jsonb, claimed_until = null
          from unnest(?::text[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[])
               as r(device_id, ok, started, ended, outcome, error)
         where d.job_id = ? and d.device_id = r.device_id and d.status in ('pending', 'running')
        """,
        [
            at.ToUniversalTime(),
            results.Select(r => r.DeviceId).ToArray(),
            results.Select(r => r.Succeeded).ToArray(),
            results.Select(r => r.StartTimeUtc.ToUniversalTime()).ToArray(),
            results.Select(r => r.EndTimeUtc.ToUniversalTime()).ToArray(),
            results.Select(Outcome).ToArray(),
            results.Select(Error).ToArray(),
            jobId,
        ]);

    /// <summary>Every device job still pending or running fails with this error (the job's execution time ran out).</summary>
    public static UnitOfWorkStatement FailUnfinished(string jobId, DateTimeOffset at, string errorCode, string description) => new("""
        update dispatch.device_jobs
           set status = 'failed', end_utc = ?, last_updated_utc = ?, claimed_until = null,
               error = jsonb_build_object('code', ?::text, 'description', ?::text)
         where job_id = ? and status in ('pending', 'running')
        """, [at.ToUniversalTime(), at.ToUniversalTime(), errorCode, description, jobId]);

    /// <summary>Removes a job's device jobs (its history passed the retention period).</summary>
    public static UnitOfWorkStatement ForgetJob(string jobId) => new("delete from dispatch.device_jobs where job_id = ?", [jobId]);

    /// <summary>Claims whose lease ended before <paramref name="before"/> without a result, oldest first.</summary>
    public async Task<List<(string JobId, string DeviceId, DateTimeOffset StartedAt)>> ExpiredClaimsAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select job_id, device_id, coalesce(start_utc, $1) from dispatch.device_jobs
             where status = 'running' and claimed_until < $1 order by claimed_until limit $2
            """);
        cmd.Parameters.AddWithValue(before.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        var expired = new List<(string, string, DateTimeOffset)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            expired.Add((reader.GetString(0), reader.GetString(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero)));
        return expired;
    }

    /// <summary>How many device jobs of all jobs wait for a claim (the dispatch backlog metric).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select count(*) from dispatch.device_jobs where status = 'pending'");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One consistent snapshot of a job's device-job counts.</summary>
    public async Task<DeviceJobStatistics> CountAsync(string jobId, CancellationToken ct) =>
        (await CountAsync([jobId], ct)).GetValueOrDefault(jobId, DeviceJobStatistics.Empty);

    public async Task<Dictionary<string, DeviceJobStatistics>> CountAsync(IReadOnlyCollection<string> jobIds, CancellationToken ct)
    {
        var result = new Dictionary<string, DeviceJobStatistics>();
        if (jobIds.Count == 0) return result;
        await using var cmd = dataSource.CreateCommand(
            "select job_id, status, count(*)::int from dispatch.device_jobs where job_id = any($1) group by job_id, status");
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var jobId = reader.GetString(0);
            result[jobId] = DeviceJobCounts.Add(result.GetValueOrDefault(jobId, DeviceJobStatistics.Empty), reader.GetString(1), reader.GetInt32(2));
        }
        return result;
    }

    /// <summary>Which of these devices still have an unfinished device job in the job, with its status (pending or running).</summary>
    public async Task<Dictionary<string, string>> UnfinishedAsync(string jobId, IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select device_id, status from dispatch.device_jobs where job_id = $1 and device_id = any($2) and status in ('pending', 'running')");
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        var unfinished = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) unfinished[reader.GetString(0)] = reader.GetString(1);
        return unfinished;
    }

    private static string? Outcome(DeviceJobResult r) => new JsonObject
    {
        ["deviceMethodResponse"] = r.MethodStatus is { } status
            ? new JsonObject { ["status"] = status, ["payload"] = r.MethodPayloadJson is null ? null : JsonNode.Parse(r.MethodPayloadJson) }
            : null,
    }.ToJsonString();

    private static string? Error(DeviceJobResult r) =>
        r.ErrorCode is null ? null : new JsonObject { ["code"] = r.ErrorCode, ["description"] = r.ErrorDescription }.ToJsonString();
}
