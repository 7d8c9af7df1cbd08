using IotHubJobs.IotHubErrors;
using IotHubJobs.Contracts.Jobs;
using IotHubJobs.ServiceDefaults;
using JobsApi.Jobs;

namespace JobsApi.Queries;

/// <summary>
/// The <c>jobType</c> / <c>jobStatus</c> filters of the job listing, matched case-insensitively because the C# SDK
/// sends enum names (<c>ScheduleDeviceMethod</c>, <c>Completed</c>) and Node the wire values.
/// </summary>
public static class JobListFilter
{
    /// <summary>Returned for a value of IoT Hub's wire enums that no v2 job here can have (it matches nothing).</summary>
    public const string NeverProduced = "\u0000never";

    private static readonly string[] Types = [JobTypes.ScheduleDeviceMethod, JobTypes.ScheduleUpdateTwin];

    // The rest of the swagger JobType enum, plus the C# enum names of the import/export jobs.
    private static readonly string[] OtherTypes =
    [
        "unknown", "export", "import", "exportDevices", "importDevices", "backup", "readDeviceProperties", "writeDeviceProperties",
        "updateDeviceConfiguration", "rebootDevice", "factoryResetDevice", "firmwareUpdate", "restoreFromBackup", "failoverDataCopy",
    ];

    private static readonly string[] OtherStatuses = ["unknown", "enqueued"];

    public static (string? Value, IotHubRefusal? Refusal) Type(string? text) =>
        Match(text, Types, OtherTypes, [], "jobType", "scheduleDeviceMethod or scheduleUpdateTwin");

    // "canceled" is the dev guide's spelling; the service answers "cancelled" (docs/iothub-api.md, "Jobs v2").
    public static (string? Value, IotHubRefusal? Refusal) Status(string? text) =>
        Match(text, JobStatuses.All, OtherStatuses, [("canceled", JobStatuses.Cancelled)], "jobStatus", string.Join(", ", JobStatuses.All));

    private static (string?, IotHubRefusal?) Match(string? text, string[] known, string[] other, (string Alias, string Value)[] aliases,
        string name, string expected)
    {
        if (string.IsNullOrEmpty(text)) return (null, null);
        if (known.FirstOrDefault(k => string.Equals(k, text, StringComparison.OrdinalIgnoreCase)) is { } value) return (value, null);
        if (aliases.FirstOrDefault(a => string.Equals(a.Alias, text, StringComparison.OrdinalIgnoreCase)) is { Value: { } aliased }) return (aliased, null);
        if (other.Any(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase))) return (NeverProduced, null);
        return (null, new IotHubRefusal(IotHubError.ArgumentInvalid, $"{name} '{ClientText.Shorten(text, 64)}' is not valid; use {expected}."));
    }
}
