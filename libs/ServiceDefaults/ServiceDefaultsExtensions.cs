using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace IotHubJobs.ServiceDefaults;

public static class ServiceDefaultsExtensions
{
    /// <summary>What every service shares: the clock, telemetry, health checks and its JIT profile.</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        JitProfile.Start(builder);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddTelemetry();
        // One JSON object per log line, with trace and span ids and every scope (job id), for log pipelines.
        builder.Logging.AddJsonConsole(o => { o.IncludeScopes = true; o.UseUtcTimestamp = true; o.TimestampFormat = "O"; });
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        // Raise the floor so a burst of consumers does not wait on thread-pool growth (design: measured stalls on 2 cores).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
        return builder;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") || r.Tags.Contains("live") });
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
