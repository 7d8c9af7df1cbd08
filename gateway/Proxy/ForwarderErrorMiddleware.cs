using IotHubJobs.IotHubErrors;
using IotHubJobs.ServiceDefaults;
using Yarp.ReverseProxy.Forwarder;

namespace Gateway.Proxy;

/// <summary>
/// Turns YARP's bare 502/503/504 into IoT Hub error bodies: jobs-api unreachable → 503 ServiceUnavailable,
/// timed out → 504 GatewayTimeout, an oversized chunked body → 413.
/// </summary>
public sealed class ForwarderErrorMiddleware(RequestDelegate next, ILogger<ForwarderErrorMiddleware> log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var failure = context.Features.Get<IForwarderErrorFeature>();
        if (failure is null || failure.Error == ForwarderError.None || context.Response.HasStarted) return;
        if (failure.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled) return; // client left

        var (error, message) = Describe(failure);
        log.LogWarning("Forwarding {Method} {Path} failed: {Error}", context.Request.Method, context.Request.Path, failure.Error);
        context.Response.Clear();
        await IotHubErrorResponse.WriteAsync(context, error, message);
    }

    private static (IotHubError, string) Describe(IForwarderErrorFeature failure)
    {
        if (Causes(failure.Exception).Any(e => e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }))
            return (IotHubError.RequestEntityTooLarge, "The request body is too large");
        return failure.Error switch
        {
            ForwarderError.RequestTimedOut => (IotHubError.GatewayTimeout, "The service did not answer in time"),
            ForwarderError.RequestBodyClient => (IotHubError.GenericBadRequest, "The request body could not be read"),
            _ => (IotHubError.ServiceUnavailable, "The service is unavailable, try again later"),
        };
    }

    /// <summary>The exception and everything it wraps (YARP reports body failures as an AggregateException).</summary>
    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        if (exception is null) yield break;
        yield return exception;
        IEnumerable<Exception?> inner = [exception.InnerException];
        if (exception is AggregateException aggregate) inner = aggregate.InnerExceptions;
        foreach (var cause in inner.SelectMany(Causes)) yield return cause;
    }
}

public static class ForwarderErrors
{
    public static IApplicationBuilder UseForwarderErrors(this IApplicationBuilder app) =>
        app.UseMiddleware<ForwarderErrorMiddleware>();
}
