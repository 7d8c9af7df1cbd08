namespace IotHubJobs.Contracts.Jobs;

public static class JobTypes
{
    public const string ScheduleDeviceMethod = "scheduleDeviceMethod";
    public const string ScheduleUpdateTwin = "scheduleUpdateTwin";
}
