namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// The job was cancelled — by an operator, or by a tripped abort criterion (<c>Reason</c> then says which, with its
/// numbers): nothing more is dispatched; device jobs already running finish.
/// </summary>
public sealed record JobCancelled(string JobId, DateTimeOffset CancelledAt, string? Reason = null);
