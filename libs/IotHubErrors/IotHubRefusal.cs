namespace IotHubJobs.IotHubErrors;

/// <summary>
/// A request refused with an IoT Hub error, not yet an HTTP answer: what validation returns, so it can be checked
/// without HTTP. The endpoint answers it with <see cref="IotHubErrorResponse.Result(IotHubRefusal)"/>.
/// </summary>
public sealed record IotHubRefusal(IotHubError Error, string Message);
