namespace IotHubJobs.Contracts.Jobs;

/// <summary>
/// The scheduler stopped dispatching a cancelled job that had started: <c>DeviceCount</c> devices were targeted (the
/// target set is final) and <c>CanceledCount</c> of them, not yet claimed, became canceled. Devices already running
/// finish and are reported as usual.
/// </summary>
public sealed record JobDispatchCancelled(string JobId, int DeviceCount, int CanceledCount, DateTimeOffset CancelledAt);
