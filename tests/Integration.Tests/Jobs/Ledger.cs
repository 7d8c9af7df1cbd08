using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>Looks into the per-device job rows and device-sim's executions, which the API cannot show in bulk.</summary>
public static class Ledger
{
    public sealed record Row(string DeviceId, string Status, DateTime? StartUtc, string? ErrorCode, int? MethodStatus);

    public static async Task<Dictionary<string, Row>> RowsAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("""
            select device_id, status, start_utc, error->>'code', (outcome->'deviceMethodResponse'->>'status')::int
              from dispatch.device_jobs where job_id = $1
            """);
        cmd.Parameters.AddWithValue(jobId);
        var rows = new Dictionary<string, Row>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows[reader.GetString(0)] = new Row(reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4));
        return rows;
    }

    /// <summary>
    /// How many times each simulated device ran the job's method: one append-only row per run, never merged, so a device
    /// that ran twice counts 2 whatever device-sim's own bookkeeping decided.
    /// </summary>
    public static async Task<Dictionary<string, int>> ExecutionsAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select device_id, count(*)::int from devicesim.executions where job_id = $1 group by device_id");
        cmd.Parameters.AddWithValue(jobId);
        var counts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    /// <summary>How many times a simulated device ran a direct method called outside any job.</summary>
    public static async Task<int> ExecutionsOutsideJobsAsync(SystemUnderTest system, string deviceId)
    {
        await using var cmd = system.Database.CreateCommand("select count(*)::int from devicesim.executions where device_id = $1 and job_id is null");
        cmd.Parameters.AddWithValue(deviceId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<string?> ScheduleStateAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select state from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>
    /// A job's start timer and fan-out cursor as the scheduler keeps them. <c>Due</c> and <c>DeadlinePassed</c> compare with
    /// the database's clock at the moment of reading, the clock every service reads too (all run on this machine).
    /// </summary>
    public sealed record Schedule(string State, bool Due, DateTime? StartedAt, DateTime StartAt, int DispatchedCount, bool DeadlinePassed);

    public static async Task<Schedule?> ScheduleAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("""
            select state, start_at <= now(), started_at, start_at, dispatched_count, coalesce(deadline_at <= now(), false)
              from scheduler.job_schedules where job_id = $1
            """);
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new Schedule(reader.GetString(0), reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2),
            reader.GetDateTime(3), reader.GetInt32(4), reader.GetBoolean(5));
    }

    /// <summary>A rollout's dispatch state as the scheduler keeps it (docs/rollouts.md).</summary>
    public sealed record Rolling(string State, int Dispatched, bool Paused, int Wave, string? WaveState, DateTime? NextCheckAt);

    public static async Task<Rolling?> RollingAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("""
            select state, rollout_dispatched, paused, wave, wave_state, next_check_at from scheduler.job_schedules where job_id = $1
            """);
        cmd.Parameters.AddWithValue(jobId);
        await using var reader = await cmd.ExecuteReaderAsync();
        if (!await reader.ReadAsync()) return null;
        return new Rolling(reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2), reader.GetInt32(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDateTime(5));
    }

    /// <summary>The jobs the schedulers count against <c>Scheduler:MaxRunningJobs</c>, read in one snapshot, ordered by id.</summary>
    public static async Task<List<string>> RunningJobsAsync(SystemUnderTest system)
    {
        await using var cmd = system.Database.CreateCommand(
            "select job_id from scheduler.job_schedules where state in ('dispatching', 'dispatched', 'rolling') order by job_id");
        var jobs = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) jobs.Add(reader.GetString(0));
        return jobs;
    }

    /// <summary>The types of the events in a job's stream, oldest first (e.g. <c>job_scheduled</c>).</summary>
    public static async Task<List<string>> EventTypesAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select type from jobs.mt_events where stream_id = $1 order by version");
        cmd.Parameters.AddWithValue(jobId);
        var types = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) types.Add(reader.GetString(0));
        return types;
    }

    /// <summary>
    /// Devices of the job whose answer device-sim has (it records an outcome before it reports it) while their device job
    /// is still unfinished in the ledger: answers on their way to, or waiting for, jobs-api.
    /// </summary>
    public static async Task<int> AnswersNotRecordedAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("""
            select count(*)::int from devicesim.calls c
              join dispatch.device_jobs d on d.job_id = c.job_id and d.device_id = c.device_id
             where c.job_id = $1 and c.outcome is not null and d.status in ('pending', 'running')
            """);
        cmd.Parameters.AddWithValue(jobId);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Devices whose call of the job device-sim received (it records a call before it runs it) but never recorded an answer for.</summary>
    public static async Task<HashSet<string>> CallsNeverAnsweredAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select distinct device_id from devicesim.calls where job_id = $1 and outcome is null");
        cmd.Parameters.AddWithValue(jobId);
        var devices = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) devices.Add(reader.GetString(0));
        return devices;
    }

    /// <summary>Whether device-sim recorded an answer of the device to a direct method (a call outside any job).</summary>
    public static async Task<bool> AnsweredOutsideJobsAsync(SystemUnderTest system, string deviceId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select exists (select 1 from devicesim.calls where device_id = $1 and job_id is null and outcome is not null)");
        cmd.Parameters.AddWithValue(deviceId);
        return (bool)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Polls until the condition holds. A spec's precondition that is not reached within the generous deadline fails the
    /// spec right there, naming the condition, instead of letting later assertions run against a state nobody checked.
    /// </summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string? what = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not reached within {limit.TotalSeconds:0} s: {what}");
            await Task.Delay(100);
        }
    }
}
