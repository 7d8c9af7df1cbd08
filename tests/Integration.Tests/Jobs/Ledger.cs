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
