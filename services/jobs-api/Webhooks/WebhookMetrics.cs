using System.Diagnostics.Metrics;
using IotHubJobs.ServiceDefaults;

namespace JobsApi.Webhooks;

/// <summary>Counters of webhook deliveries (on /metrics with the service's other meters).</summary>
public static class WebhookMetrics
{
    private static readonly Counter<long> Events = Telemetry.Meter.CreateCounter<long>("iothub.webhook.events", description: "Events delivered or given up, by outcome");
    private static readonly Counter<long> FailedAttempts = Telemetry.Meter.CreateCounter<long>("iothub.webhook.failed_attempts", description: "Delivery attempts that failed and will be retried");

    public static void Delivered(int count) => Events.Add(count, new KeyValuePair<string, object?>("outcome", "delivered"));
    public static void GivenUp(int count) => Events.Add(count, new KeyValuePair<string, object?>("outcome", "given_up"));
    public static void Failed() => FailedAttempts.Add(1);
}
