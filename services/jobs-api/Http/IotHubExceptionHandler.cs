using IotHubJobs.IotHubErrors;
using IotHubJobs.ServiceDefaults;
using Npgsql;

namespace JobsApi.Http;

/// <summary>
/// Failures that escape an endpoint still answer in IoT Hub's error format: an unreachable database or broker
/// is a 503 the client may retry (nothing was recorded), anything else a 500 without internal details.
/// </summary>
public static class IotHubExceptionHandler
{
    public static IApplicationBuilder UseIotHubErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("JobsApi.Errors");
            if (IsUnavailable(e))
            {
                logger.LogWarning("{Method} {Path} failed: a dependency is unavailable ({Error})", context.Request.Method, context.Request.Path, e.Message);
                context.Response.Headers.RetryAfter = "5";
                await IotHubErrorResponse.WriteAsync(context, IotHubError.ServiceUnavailable, "The service is temporarily unavailable; nothing was changed. Retry later.");
                return;
            }
            logger.LogError(e, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            await IotHubErrorResponse.WriteAsync(context, IotHubError.ServerError, "The request failed on the server.");
        }
    });

    private static bool IsUnavailable(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } or TimeoutException or MassTransit.RequestTimeoutException => true,
        // Not an answer of a server but no connection to one that takes writes: refused, broken, or none suitable among
        // several hosts (a primary that failed, a standby not yet promoted: docs/scaling.md).
        NpgsqlException and not PostgresException => true,
        _ when e.InnerException is not null => IsUnavailable(e.InnerException),
        _ => false,
    };
}
