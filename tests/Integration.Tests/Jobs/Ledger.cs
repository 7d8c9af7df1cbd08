using Integration.Tests.Infrastructure;

namespace Integration.Tests.Jobs;

/// <summary>Looks into the per-device job rows and device-sim's invocation log, which the API cannot show in bulk.</summary>
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

    public static async Task<Dictionary<string, int>> InvocationsAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand(
            "select device_id, count(*)::int from devicesim.invocations where job_id = $1 group by device_id");
        cmd.Parameters.AddWithValue(jobId);
        var counts = new Dictionary<string, int>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetString(0)] = reader.GetInt32(1);
        return counts;
    }

    public static async Task<string?> ScheduleStateAsync(SystemUnderTest system, string jobId)
    {
        await using var cmd = system.Database.CreateCommand("select state from scheduler.job_schedules where job_id = $1");
        cmd.Parameters.AddWithValue(jobId);
        return await cmd.ExecuteScalarAsync() as string;
    }

    /// <summary>Polls until the condition holds or a generous deadline passes (then the caller's assertions report).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline && !await condition()) await Task.Delay(100);
    }
}
