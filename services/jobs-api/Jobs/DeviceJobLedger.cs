using IotHubJobs.Contracts.Jobs;
using Npgsql;

namespace JobsApi.Jobs;

/// <summary>Reads of <c>dispatch.device_jobs</c>, the per-device rows of started jobs.</summary>
public sealed class DeviceJobLedger(NpgsqlDataSource dataSource)
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>One consistent snapshot of a job's device-job counts, so deviceCount always equals the sum.</summary>
    public async Task<DeviceJobStatistics> CountAsync(string jobId, CancellationToken ct)
    {
        var counts = await CountAsync([jobId], ct);
        return counts.GetValueOrDefault(jobId, DeviceJobStatistics.Empty);
    }

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
            var stats = result.GetValueOrDefault(jobId, DeviceJobStatistics.Empty);
            result[jobId] = Add(stats, reader.GetString(1), reader.GetInt32(2));
        }
        return result;
    }

    /// <summary>Which of these devices still have an unfinished device job, with its status (pending or running).</summary>
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

    public static DeviceJobStatistics Add(DeviceJobStatistics s, string status, int n)
    {
        s = status switch
        {
            Pending => s with { PendingCount = s.PendingCount + n },
            Running => s with { RunningCount = s.RunningCount + n },
            Completed => s with { SucceededCount = s.SucceededCount + n },
            // IoT Hub's statistics have no canceled count; a canceled device job did not succeed.
            _ => s with { FailedCount = s.FailedCount + n },
        };
        return s with { DeviceCount = s.DeviceCount + n };
    }
}
