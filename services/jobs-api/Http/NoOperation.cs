using IotHubJobs.ServiceDefaults;

namespace JobsApi.Http;

/// <summary>
/// The gateway answers requests that name no operation itself (gateway/Routing/UnknownOperation.cs). Should one still
/// reach jobs-api, it gets the same IoT Hub error instead of ASP.NET's empty 404 or 405.
/// </summary>
public static class NoOperation
{
    public static IResult Handle() =>
        IotHubErrorResponse.Result(IotHubError.GenericNotFound, "No operation of this service matches the request's method and path.");
}
