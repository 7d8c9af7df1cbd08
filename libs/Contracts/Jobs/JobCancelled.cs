namespace IotHubJobs.Contracts.Jobs;

/// <summary>An operator cancelled the job: nothing more is dispatched; device jobs already running finish.</summary>
public sealed record JobCancelled(string JobId, DateTimeOffset CancelledAt);
