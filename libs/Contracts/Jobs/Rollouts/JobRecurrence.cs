namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>The job is a template: at each occurrence of <c>Cron</c> in <c>TimeZone</c> a child job runs with the same request.</summary>
public sealed record JobRecurrence(string Cron, string TimeZone);
