namespace IotHubJobs.Contracts.Jobs;

/// <summary>IoT Hub's deviceJobStatistics; <c>DeviceCount</c> always equals the sum of the other four.</summary>
public sealed record DeviceJobStatistics(int DeviceCount, int FailedCount, int SucceededCount, int RunningCount, int PendingCount)
{
    public static readonly DeviceJobStatistics Empty = new(0, 0, 0, 0, 0);
}
