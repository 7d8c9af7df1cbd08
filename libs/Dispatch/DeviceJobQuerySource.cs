using IotHubJobs.Query;

namespace IotHubJobs.Dispatch;

/// <summary>The query language's <c>devices.jobs</c> collection over <c>dispatch.device_jobs</c>, as IoT Hub names its fields.</summary>
public static class DeviceJobQuerySource
{
    /// <summary>The fields of IoT Hub's device job, in its order.</summary>
    private static readonly SourceField[] IotHubFields =
    [
        new("deviceId", "device_id", FieldKind.Text),
        new("jobId", "job_id", FieldKind.Text),
        new("jobType", "job_type", FieldKind.Text),
        new("status", "status", FieldKind.Text),
        new("startTimeUtc", "start_utc", FieldKind.Timestamp),
        new("endTimeUtc", "end_utc", FieldKind.Timestamp),
        new("createdDateTimeUtc", "created_utc", FieldKind.Timestamp),
        new("lastUpdatedDateTimeUtc", "last_updated_utc", FieldKind.Timestamp),
        new("outcome", "coalesce(outcome, '{\"deviceMethodResponse\":null}'::jsonb)", FieldKind.Json),
        new("error", "coalesce(error, 'null'::jsonb)", FieldKind.Json),
    ];

    /// <summary>
    /// Ours (docs/rollouts.md, "Retries"): how many attempts the device job took, and why the last retried one failed. Shown
    /// by <c>SELECT *</c> only for device jobs that were retried, so a plain IoT Hub job's rows keep IoT Hub's shape.
    /// </summary>
    private static readonly SourceField[] RetryFields =
    [
        new("attempts", "to_jsonb(attempts)", FieldKind.Json),
        new("lastError", "coalesce(last_error, 'null'::jsonb)", FieldKind.Json),
    ];

    public static QuerySource Source { get; } = new()
    {
        Collection = "devices.jobs",
        Table = "dispatch.device_jobs",
        Fields = [.. IotHubFields, .. RetryFields],
        SelectAllSql = "jsonb_build_object(" + string.Join(", ", IotHubFields.Select(f => $"'{f.Name}', {f.JsonSql}")) + ") || " +
                       "CASE WHEN attempts > 1 THEN jsonb_build_object(" + string.Join(", ", RetryFields.Select(f => $"'{f.Name}', {f.JsonSql}")) +
                       ") ELSE '{}'::jsonb END",
        CanonicalNames =
        [
            "deviceId", "jobId", "jobType", "status", "startTimeUtc", "endTimeUtc", "createdDateTimeUtc",
            "lastUpdatedDateTimeUtc", "outcome", "outcome.deviceMethodResponse", "error", "error.code",
            "error.description", "attempts", "lastError", "lastError.code", "lastError.failureType",
        ],
        NameAliases = new Dictionary<string, string>
        {
            ["createdTimeUtc"] = "createdDateTimeUtc",
            ["lastUpdatedTimeUtc"] = "lastUpdatedDateTimeUtc",
        },
        PathPrefix = ["devices", "jobs"],
        SelectAllKind = QueryItemKind.DeviceJob,
        OrderBySql = "job_id, device_id",
        KeyProperties = ["jobId", "deviceId"],
        AllowsProjections = false,
    };
}
