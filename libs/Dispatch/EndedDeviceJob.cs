namespace IotHubJobs.Dispatch;

/// <summary>
/// A device job that ended together with others of its job in one statement — canceled by a cancel, failed by the job's
/// deadline — as the event log does not list those devices one by one. <c>ErrorJson</c> is <c>{"code","description"}</c>.
/// </summary>
public sealed record EndedDeviceJob(string DeviceId, string Status, DateTimeOffset? StartUtc, DateTimeOffset? EndUtc, string? ErrorJson);
