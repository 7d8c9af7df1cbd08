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
    /// <summary>
    /// The fan-out's part: these devices of a started job become pending device jobs (idempotent per job and device). The
    /// rows are inserted plainly, behind a savepoint: the fan-out holds its job's schedule row while it records a chunk of
    /// devices past its cursor, so none of them can have a device job yet, and <c>on conflict do nothing</c> on every row
    /// cost a third to a half more than the plain insert (docs/benchmarks.md, "device-sim records a batch's executions in one
    /// row"). Should a device job exist all the same, the insert goes back to the savepoint and leaves the existing ones out.
    /// </summary>
    public static async Task RecordPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, string jobType,
        IReadOnlyList<string> deviceIds, DateTimeOffset at, CancellationToken ct)
    {
        if (deviceIds.Count == 0) return;
        const string Insert = """
            insert into dispatch.device_jobs (job_id, device_id, job_type, status, created_utc, last_updated_utc)
            select $1, d, $2, 'pending', $3, $3 from unnest($4::text[]) as d
            """;
        try
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("savepoint record_pending"));
            batch.BatchCommands.Add(PendingRows(Insert, jobId, jobType, deviceIds, at));
            await batch.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await using var back = new NpgsqlBatch(conn, tx);
            back.BatchCommands.Add(new NpgsqlBatchCommand("rollback to savepoint record_pending"));
            back.BatchCommands.Add(PendingRows(Insert + " on conflict do nothing", jobId, jobType, deviceIds, at));
            await back.ExecuteNonQueryAsync(ct);
        }
    }

    private static NpgsqlBatchCommand PendingRows(string sql, string jobId, string jobType, IReadOnlyList<string> deviceIds, DateTimeOffset at) =>
        new(sql) { Parameters = { new() { Value = jobId }, new() { Value = jobType }, new() { Value = at.UtcDateTime }, new() { Value = deviceIds.ToArray() } } };

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

    /// <summary>
    /// The job's next <paramref name="limit"/> device jobs after <paramref name="after"/> in device-id order, whatever their
    /// status, with whether each is still pending: a rollout's next devices to dispatch (a device canceled meanwhile
    /// is passed over).
    /// </summary>
    public static async Task<List<(string DeviceId, bool Pending)>> NextAfterAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId,
        string after, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select device_id, status = 'pending' from dispatch.device_jobs
             where job_id = $1 and device_id > $2 order by device_id limit $3
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(limit);
        var devices = new List<(string, bool)>(limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) devices.Add((reader.GetString(0), reader.GetBoolean(1)));
        return devices;
    }

    /// <summary>The counts of the job's device jobs in the device-id range (after, through]: one wave of a rollout.</summary>
    public async Task<DeviceJobStatistics> CountBetweenAsync(string jobId, string after, string through, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select status, count(*)::int from dispatch.device_jobs
             where job_id = $1 and device_id > $2 and device_id <= $3 group by status
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(through);
        var counts = DeviceJobStatistics.Empty;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) counts = DeviceJobCounts.Add(counts, reader.GetString(0), reader.GetInt32(1));
        return counts;
    }

    /// <summary>
    /// How many device jobs in the device-id range (after, through] there are, and how many of them succeeded in a
    /// rollout's sense: completed with a method status below 400 (or a twin update applied) — a wave's success share.
    /// </summary>
    public async Task<(int Devices, int Succeeded)> CountSucceededBetweenAsync(string jobId, string after, string through, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select count(*)::int,
                   count(*) filter (where status = 'completed'
                                      and coalesce((outcome->'deviceMethodResponse'->>'status')::int, 200) < 400)::int
              from dispatch.device_jobs where job_id = $1 and device_id > $2 and device_id <= $3
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(after);
        cmd.Parameters.AddWithValue(through);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>A cancelled job's pending device jobs become canceled; what is already claimed finishes. Returns how many.</summary>
    public static async Task<int> CancelPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update dispatch.device_jobs set status = 'canceled', end_utc = $2, last_updated_utc = $2, next_attempt_at = null
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
               outcome = r.outcome::jsonb, error = r.error::jsonb, claimed_until = null, acknowledge_by = null
          from unnest(?::text[], ?::boolean[], ?::timestamptz[], ?::timestamptz[], ?::text[], ?::text[])
               as r(device_id, ok, started, ended, outcome, error)
         where d.job_id = ? and d.device_id = r.device_id and d.device_id between ? and ? and d.status in ('pending', 'running')
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
            .. DeviceIdRange.Of(results.Select(r => r.DeviceId)).Values,
        ]);

    /// <summary>
    /// The same write as <see cref="RecordResults"/>, run now in the caller's transaction, before it takes the job's stream
    /// lock: returns the devices whose result it recorded, whose rows stay locked until the transaction ends. A second
    /// result of one of them, written at the same moment, waits for that end and then finds the device job final.
    /// </summary>
    public static async Task<HashSet<string>> RecordFirstResultsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId,
        IReadOnlyList<DeviceJobResult> results, DateTimeOffset at, CancellationToken ct)
    {
        var statement = RecordResults(jobId, results, at);
        await using var cmd = (statement with { Sql = statement.Sql + " returning d.device_id" }).Command(conn, tx);
        var recorded = new HashSet<string>(results.Count, StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) recorded.Add(reader.GetString(0));
        return recorded;
    }

    /// <summary>
    /// Failed attempts a rollout retries (docs/rollouts.md, "Retries"): each device job becomes pending again with the time
    /// its next attempt is due and the error its attempt failed with; queued with the event that records them. Only a
    /// device job still running the attempt that failed is touched, so a result delivered twice retries nothing twice.
    /// </summary>
    public static UnitOfWorkStatement ScheduleRetries(string jobId, IReadOnlyList<(string DeviceId, int Attempt, DateTimeOffset NextAttemptAt, string ErrorJson)> retries,
        DateTimeOffset at) => new("""
        update dispatch.device_jobs d
           set status = 'pending', next_attempt_at = r.next_at, attempt_sent_until = null, last_error = r.error::jsonb, acknowledge_by = null,
               claimed_by = null, claimed_until = null, last_updated_utc = ?
          from unnest(?::text[], ?::int[], ?::timestamptz[], ?::text[]) as r(device_id, attempt, next_at, error)
         where d.job_id = ? and d.device_id = r.device_id and d.device_id between ? and ? and d.status = 'running' and d.attempts = r.attempt
        """,
        [
            at.ToUniversalTime(),
            retries.Select(r => r.DeviceId).ToArray(),
            retries.Select(r => r.Attempt).ToArray(),
            retries.Select(r => r.NextAttemptAt.ToUniversalTime()).ToArray(),
            retries.Select(r => r.ErrorJson).ToArray(),
            jobId,
            .. DeviceIdRange.Of(retries.Select(r => r.DeviceId)).Values,
        ]);

    /// <summary>
    /// Which of these devices are running an attempt in the job, with its number: a result of a job that retries is
    /// recorded only when it answers the attempt running now (an older attempt's result delivered again changes nothing).
    /// </summary>
    public async Task<Dictionary<string, int>> RunningAttemptsAsync(string jobId, IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select device_id, attempts from dispatch.device_jobs where job_id = $1 and device_id = any($2) and device_id between $3 and $4 and status = 'running'");
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        DeviceIdRange.Of(deviceIds).AddTo(cmd);
        var running = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) running[reader.GetString(0)] = reader.GetInt32(1);
        return running;
    }

    /// <summary>
    /// The scheduler's part of retries: up to <paramref name="limit"/> device jobs whose next attempt is due and whose
    /// command was not sent (or was sent before <paramref name="now"/> minus the resend time and is still not claimed), marked
    /// as sent until <paramref name="sentUntil"/>, in the caller's transaction. Rows another replica holds are skipped.
    /// </summary>
    public static async Task<List<(string JobId, string DeviceId)>> TakeDueAttemptsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now,
        DateTimeOffset sentUntil, int limit, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update dispatch.device_jobs d set attempt_sent_until = $2
              from (select job_id, device_id from dispatch.device_jobs
                     where status = 'pending' and next_attempt_at <= $1 and (attempt_sent_until is null or attempt_sent_until <= $1)
                     order by next_attempt_at limit $3 for update skip locked) due
             where d.job_id = due.job_id and d.device_id = due.device_id
            returning d.job_id, d.device_id
            """, conn, tx);
        cmd.Parameters.AddWithValue(now.UtcDateTime);
        cmd.Parameters.AddWithValue(sentUntil.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        var due = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) due.Add((reader.GetString(0), reader.GetString(1)));
        return due;
    }

    /// <summary>A running device job, with the attempt it is and when it started.</summary>
    public sealed record RunningDeviceJob(string JobId, string DeviceId, int Attempt, DateTimeOffset StartedAt);

    /// <summary>
    /// The device jobs of these devices that wait for the device to acknowledge a twin job's desired values. Asked with
    /// every report of a device's properties, and almost always none wait: the first condition looks once into the index
    /// of the waiting ones (ordered and limited, so the planner takes that index whatever its statistics say) and, when it
    /// is empty, the devices' rows are not looked up at all.
    /// </summary>
    public async Task<List<RunningDeviceJob>> AwaitingAcknowledgementAsync(IReadOnlyCollection<string> deviceIds, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select job_id, device_id, attempts, coalesce(start_utc, last_updated_utc) from dispatch.device_jobs
             where (select a.acknowledge_by from dispatch.device_jobs a where a.acknowledge_by is not null
                     order by a.acknowledge_by limit 1) is not null
               and device_id = any($1) and status = 'running' and acknowledge_by is not null
            """);
        cmd.Parameters.AddWithValue(deviceIds.ToArray());
        return await ReadRunningAsync(cmd, ct);
    }

    /// <summary>Device jobs whose acknowledgement did not come by <paramref name="before"/>, oldest first.</summary>
    public async Task<List<RunningDeviceJob>> UnacknowledgedAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select job_id, device_id, attempts, coalesce(start_utc, last_updated_utc) from dispatch.device_jobs
             where status = 'running' and acknowledge_by < $1 order by acknowledge_by limit $2
            """);
        cmd.Parameters.AddWithValue(before.UtcDateTime);
        cmd.Parameters.AddWithValue(limit);
        return await ReadRunningAsync(cmd, ct);
    }

    private static async Task<List<RunningDeviceJob>> ReadRunningAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var running = new List<RunningDeviceJob>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            running.Add(new RunningDeviceJob(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero)));
        return running;
    }

    /// <summary>Every device job still pending or running fails with this error (the job's execution time ran out).</summary>
    public static UnitOfWorkStatement FailUnfinished(string jobId, DateTimeOffset at, string errorCode, string description) => new("""
        update dispatch.device_jobs
           set status = 'failed', end_utc = ?, last_updated_utc = ?, claimed_until = null, next_attempt_at = null, acknowledge_by = null,
               error = jsonb_build_object('code', ?::text, 'description', ?::text)
         where job_id = ? and status in ('pending', 'running')
        """, [at.ToUniversalTime(), at.ToUniversalTime(), errorCode, description, jobId]);

    /// <summary>
    /// One device's pending device job becomes canceled (an operator's per-device cancel), atomically: a device job an
    /// executor claimed meanwhile is not. Returns the device job's status afterwards and whether this call canceled it, or
    /// null when the job has no such device.
    /// </summary>
    public async Task<(string Status, bool CanceledNow)?> CancelPendingAsync(string jobId, string deviceId, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            with canceled as (
                update dispatch.device_jobs set status = 'canceled', end_utc = $3, last_updated_utc = $3, next_attempt_at = null
                 where job_id = $1 and device_id = $2 and status = 'pending'
                returning status)
            select status, true from canceled
            union all
            select status, false from dispatch.device_jobs where job_id = $1 and device_id = $2 and not exists (select 1 from canceled)
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(deviceId);
        cmd.Parameters.AddWithValue(at.UtcDateTime);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetString(0), reader.GetBoolean(1)) : null;
    }

    /// <summary>Removes a job's device jobs (its history passed the retention period).</summary>
    public static IReadOnlyList<UnitOfWorkStatement> ForgetJob(string jobId) =>
    [
        new("delete from dispatch.device_jobs where job_id = ?", [jobId]),
        new("delete from dispatch.claim_leases where job_id = ?", [jobId]),
        // After the device jobs: their deletion appends the last changes.
        new("delete from dispatch.device_job_status_changes where job_id = ?", [jobId]),
    ];

    /// <summary>
    /// Sums the job's status changes into one row per status, so a count stays a read of a few rows however long the
    /// job runs; queued with each write of results. Only the rows this statement deletes are summed, so changes that
    /// other transactions append meanwhile stay as they are.
    /// </summary>
    public static UnitOfWorkStatement CompactCounts(string jobId) => new("""
        with summed as (delete from dispatch.device_job_status_changes where job_id = ? returning status, change)
        insert into dispatch.device_job_status_changes (job_id, status, change)
        select ?, status, sum(change) from summed group by status having sum(change) <> 0
        """, [jobId, jobId]);

    /// <summary>
    /// Claims whose lease ended before <paramref name="before"/> without a result, at most <paramref name="limit"/> (and
    /// the rest of the last lease read), found through the leases that are due (Database/dispatch.sql,
    /// <c>dispatch.claim_leases</c>). Each due lease is settled as it is read: removed when none of its device jobs still
    /// runs, moved to the earliest end of their claims when they were renewed, and left due while one of them is overdue,
    /// so that it is found again until the failure is recorded. Due leases are read in order, a few thousand device jobs at
    /// a time, until none is left: every claim a job made ends its lease, and the sweep keeps up with them.
    /// </summary>
    public async Task<List<RunningDeviceJob>> ExpiredClaimsAsync(DateTimeOffset before, int limit, CancellationToken ct)
    {
        var overdue = new Dictionary<(string, string), RunningDeviceJob>();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var after = (CheckAt: DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc), Id: 0L);
        while (overdue.Count < limit)
        {
            var leases = await ReadDueLeasesAsync(conn, before, after, LeaseDevicesPerRead, overdue, ct);
            if (leases.Count == 0) break;
            after = leases[^1].Key;
            await SettleLeasesAsync(conn, leases, ct);
        }
        return [.. overdue.Values];
    }

    /// <summary>How many device jobs one read of due leases looks at (and always the first lease, however large).</summary>
    private const int LeaseDevicesPerRead = 5000;

    /// <summary>What a due lease's device jobs showed: one overdue, or the earliest end of the claims still running.</summary>
    private sealed record DueLease((DateTime CheckAt, long Id) Key, bool Overdue, DateTimeOffset? NextCheck);

    private static async Task<List<DueLease>> ReadDueLeasesAsync(NpgsqlConnection conn, DateTimeOffset before, (DateTime CheckAt, long Id) after,
        int devices, Dictionary<(string, string), RunningDeviceJob> overdue, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select l.check_at, l.id, d.job_id, d.device_id, d.attempts, coalesce(d.start_utc, $1), d.claimed_until
              from (select id, check_at, job_id, device_ids, sum(cardinality(device_ids)) over (order by check_at, id) as through
                      from dispatch.claim_leases where check_at < $1 and (check_at, id) > ($2, $3)) l
              left join lateral (
                   select j.job_id, j.device_id, j.attempts, j.start_utc, j.claimed_until
                     from unnest(l.device_ids) as u(device_id)
                     join dispatch.device_jobs j on j.job_id = l.job_id and j.device_id = u.device_id
                    where j.status = 'running' and j.claimed_until is not null) d on true
             where l.through - cardinality(l.device_ids) < $4
             order by l.check_at, l.id
            """, conn);
        cmd.Parameters.AddWithValue(before.UtcDateTime);
        cmd.Parameters.AddWithValue(after.CheckAt);
        cmd.Parameters.AddWithValue(after.Id);
        cmd.Parameters.AddWithValue((long)devices);
        var leases = new List<DueLease>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var key = (reader.GetDateTime(0), reader.GetInt64(1));
            if (leases.Count == 0 || leases[^1].Key != key) leases.Add(new DueLease(key, false, null));
            if (reader.IsDBNull(2)) continue;
            var lease = leases[^1];
            var claimedUntil = new DateTimeOffset(reader.GetDateTime(6), TimeSpan.Zero);
            if (claimedUntil < before)
            {
                var job = new RunningDeviceJob(reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                    new DateTimeOffset(reader.GetDateTime(5), TimeSpan.Zero));
                overdue.TryAdd((job.JobId, job.DeviceId), job);
                leases[^1] = lease with { Overdue = true };
            }
            else if (lease.NextCheck is not { } next || claimedUntil < next) leases[^1] = lease with { NextCheck = claimedUntil };
        }
        return leases;
    }

    private static async Task SettleLeasesAsync(NpgsqlConnection conn, List<DueLease> leases, CancellationToken ct)
    {
        var ended = leases.Where(l => l is { Overdue: false, NextCheck: null }).Select(l => l.Key.Id).ToArray();
        var renewed = leases.Where(l => l is { Overdue: false, NextCheck: not null }).ToArray();
        if (ended.Length == 0 && renewed.Length == 0) return;
        await using var settle = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("delete from dispatch.claim_leases where id = any($1)") { Parameters = { new() { Value = ended } } },
                new NpgsqlBatchCommand("""
                    update dispatch.claim_leases l set check_at = m.check_at
                      from unnest($1::bigint[], $2::timestamptz[]) as m(id, check_at) where l.id = m.id
                    """)
                {
                    Parameters =
                    {
                        new() { Value = renewed.Select(l => l.Key.Id).ToArray() },
                        new() { Value = renewed.Select(l => l.NextCheck!.Value.UtcDateTime).ToArray() },
                    },
                },
            },
        };
        await settle.ExecuteNonQueryAsync(ct);
    }

    /// <summary>How many device jobs of all jobs wait for a claim (the dispatch backlog metric).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "select coalesce(sum(change), 0)::bigint from dispatch.device_job_status_changes where status = 'pending'");
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>One consistent snapshot of a job's device-job counts: the sums of its status changes (Database/dispatch.sql).</summary>
    public async Task<DeviceJobStatistics> CountAsync(string jobId, CancellationToken ct) =>
        (await CountAsync([jobId], ct)).GetValueOrDefault(jobId, DeviceJobStatistics.Empty);

    public async Task<Dictionary<string, DeviceJobStatistics>> CountAsync(IReadOnlyCollection<string> jobIds, CancellationToken ct)
    {
        if (jobIds.Count == 0) return [];
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await CountAsync(conn, null, jobIds, ct);
    }

    /// <summary>The job's counts as the caller's transaction sees them, its own uncommitted changes included.</summary>
    public static async Task<DeviceJobStatistics> CountAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string jobId, CancellationToken ct) =>
        (await CountAsync(conn, tx, [jobId], ct)).GetValueOrDefault(jobId, DeviceJobStatistics.Empty);

    private static async Task<Dictionary<string, DeviceJobStatistics>> CountAsync(NpgsqlConnection conn, NpgsqlTransaction? tx,
        IReadOnlyCollection<string> jobIds, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            select job_id, status, sum(change)::int from dispatch.device_job_status_changes
             where job_id = any($1) group by job_id, status having sum(change) <> 0
            """, conn, tx);
        cmd.Parameters.AddWithValue(jobIds.ToArray());
        var result = new Dictionary<string, DeviceJobStatistics>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var jobId = reader.GetString(0);
            result[jobId] = DeviceJobCounts.Add(result.GetValueOrDefault(jobId, DeviceJobStatistics.Empty), reader.GetString(1), reader.GetInt32(2));
        }
        return result;
    }

    /// <summary>
    /// The job's device jobs with this final status (and error code, when given), in device-id order: those a cancel
    /// canceled (status canceled) or the deadline failed (error JobTimeout). Both sets are final once their event is
    /// recorded, so reading them again gives the same list.
    /// </summary>
    public async Task<List<EndedDeviceJob>> EndedTogetherAsync(string jobId, string status, string? errorCode, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("""
            select device_id, status, start_utc, end_utc, error::text from dispatch.device_jobs
             where job_id = $1 and status = $2 and ($3::text is null or error->>'code' = $3)
             order by device_id
            """);
        cmd.Parameters.AddWithValue(jobId);
        cmd.Parameters.AddWithValue(status);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)errorCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var ended = new List<EndedDeviceJob>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            ended.Add(new EndedDeviceJob(reader.GetString(0), reader.GetString(1), Utc(reader, 2), Utc(reader, 3),
                reader.IsDBNull(4) ? null : reader.GetString(4)));
        return ended;
    }

    private static DateTimeOffset? Utc(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);

    /// <summary>
    /// The job's counts once <paramref name="results"/> of its unfinished device jobs (with their status before them,
    /// pending or running) are recorded, or null when other device jobs stay unfinished — then the write cannot complete
    /// the job.
    /// </summary>
    public async Task<DeviceJobStatistics?> CountsAfterLastResultsAsync(string jobId, IReadOnlyList<DeviceJobResult> results,
        IReadOnlyDictionary<string, string> statusBefore, CancellationToken ct)
    {
        var after = DeviceJobCounts.AfterResults(await CountAsync(jobId, ct), results, statusBefore);
        return after.HasUnfinished() ? null : after;
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
