namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// IoT Hub's deviceJobStatistics. <c>DeviceCount</c> is the number of devices the job targeted, fixed when its fan-out
/// ended (until then, the device jobs recorded so far); the other four count device jobs by status and add up to it
/// unless a device job went missing or was recorded twice.
/// </summary>
public sealed record DeviceJobStatistics(int DeviceCount, int FailedCount, int SucceededCount, int RunningCount, int PendingCount)
{
    public static readonly DeviceJobStatistics Empty = new(0, 0, 0, 0, 0);
}
