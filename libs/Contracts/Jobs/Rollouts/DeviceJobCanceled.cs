namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>An operator canceled one device's pending work in a job (<c>POST /jobs/v2/{id}/devices/{deviceId}/cancel</c>).</summary>
public sealed record DeviceJobCanceled(string JobId, string DeviceId, DateTimeOffset CanceledAt);
