using IotHubJobs.ServiceDefaults;

namespace Gateway.Routing;

/// <summary>
/// The answer to an authenticated request whose method and path name no operation of the service: 404 with IoT Hub's
/// <c>GenericNotFound</c> (404000), format A. The message is fixed and echoes nothing of the request, since a path can
/// carry anything a client put in it. Unauthenticated requests never get here: they get 401 whatever the path, so
/// nobody learns the service's routes without a valid token (gateway/README.md, "Unknown operations").
/// </summary>
public static class UnknownOperation
{
    public const string Message = "No operation of this service matches the request's method and path.";

    public static Task AnswerAsync(HttpContext context, ILogger log)
    {
        log.LogInformation("No operation matches {Method} {Path}", context.Request.Method, context.Request.Path);
        return IotHubErrorResponse.WriteAsync(context, IotHubError.GenericNotFound, Message);
    }
}
