using IotHubJobs.IotHubErrors;
using System.Globalization;
using System.Threading.RateLimiting;
using Gateway.Auth;
using IotHubJobs.ServiceDefaults;

namespace Gateway.Limits;

/// <summary>
/// Per-policy request rate (<c>Gateway:RateLimits:PermitsPerSecond</c>, default 2000; optional
/// <c>Gateway:RateLimits:QueueLimit</c>, default 0). Over the limit: 429 ThrottlingException with Retry-After.
/// Requests that proved no policy (health, metrics) are not limited; unauthenticated ones never get this far.
/// </summary>
public static class RateLimits
{
    public sealed class Options
    {
        public int PermitsPerSecond { get; set; } = 2000;
        public int QueueLimit { get; set; }
    }

    public static WebApplicationBuilder AddIotHubRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Gateway:RateLimits").Get<Options>() ?? new Options();
        if (options.PermitsPerSecond <= 0 || options.QueueLimit < 0)
            throw new InvalidOperationException("Gateway:RateLimits needs PermitsPerSecond > 0 and QueueLimit >= 0.");

        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Features.Get<IotHubPolicyFeature>() is { } proved
                    ? RateLimitPartition.GetFixedWindowLimiter(proved.Policy.Name, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = options.PermitsPerSecond,
                        Window = TimeSpan.FromSeconds(1),
                        QueueLimit = options.QueueLimit,
                        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = (rejected, _) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return new ValueTask(IotHubErrorResponse.WriteAsync(rejected.HttpContext, IotHubError.ThrottlingException,
                    "The request rate of this policy is over its limit, retry later"));
            };
        });
        return builder;
    }
}
