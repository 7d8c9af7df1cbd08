namespace IotHubJobs.Contracts.Jobs.Rollouts;

/// <summary>
/// Starts at <c>BaseRatePerMinute</c> and multiplies the rate by <c>IncrementFactor</c> each time another
/// <c>NumberOfNotifiedDevices</c> devices were dispatched and <c>NumberOfSucceededDevices</c> succeeded.
/// </summary>
public sealed record ExponentialRolloutRate(int BaseRatePerMinute, double IncrementFactor, int NumberOfNotifiedDevices, int NumberOfSucceededDevices);
