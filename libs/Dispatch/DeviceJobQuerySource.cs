using IotHubJobs.Query;

namespace IotHubJobs.Dispatch;

/// <summary>The query language's <c>devices.jobs</c> collection over <c>dispatch.device_jobs</c>, as IoT Hub names its fields.</summary>
public static class DeviceJobQuerySource
{
    public static QuerySource Source { get; } = new()
    {
        Collection = "devices.jobs",
        Table = "dispatch.device_jobs",
        Fields =
        [
            new SourceField("deviceId", "device_id", FieldKind.Text),
            new SourceField("jobId", "job_id", FieldKind.Text),
            new SourceField("jobType", "job_type", FieldKind.Text),
            new SourceField("status", "status", FieldKind.Text),
            new SourceField("startTimeUtc", "start_utc", FieldKind.Timestamp),
            new SourceField("endTimeUtc", "end_utc", FieldKind.Timestamp),
            new SourceField("createdDateTimeUtc", "created_utc", FieldKind.Timestamp),
            new SourceField("lastUpdatedDateTimeUtc", "last_updated_utc", FieldKind.Timestamp),
            new SourceField("outcome", "coalesce(outcome, '{\"deviceMethodResponse\":null}'::jsonb)", FieldKind.Json),
            new SourceField("error", "coalesce(error, 'null'::jsonb)", FieldKind.Json),
        ],
        CanonicalNames =
        [
            "deviceId", "jobId", "jobType", "status", "startTimeUtc", "endTimeUtc", "createdDateTimeUtc",
            "lastUpdatedDateTimeUtc", "outcome", "outcome.deviceMethodResponse", "error", "error.code",
            "error.description",
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
