namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>Dispatch happens only while a window is open: from each occurrence of <c>Cron</c> in <c>TimeZone</c>, for <c>DurationInMinutes</c>.</summary>
public sealed record MaintenanceWindow(string Cron, string TimeZone, int DurationInMinutes);
