using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Observability;

[Collection(SystemCollection.Name)]
public sealed class MetricsSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task Job_and_device_operation_metrics_are_on_each_services_Prometheus_endpoint()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateAsync(system.Hub, $"metrics-{run}", 5, new JsonObject { ["run"] = run });
        (await system.Hub.PutAsync($"/jobs/v2/metrics-{run}", Fleet.MethodJob($"metrics-{run}", $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, $"metrics-{run}");

        using var http = new HttpClient();
        async Task<string> Scrape(string service) => await http.GetStringAsync(new Uri(system.ServiceUrl(service), "/metrics"));
        // jobs-api counts a completion once its transaction committed, a moment after the job reads completed.
        var jobsApi = "";
        await Ledger.EventuallyAsync(async () => (jobsApi = await Scrape("jobs-api")).Contains("event=\"completed\""));
        Assert.Contains("iothub_jobs_total{", jobsApi);
        Assert.Contains("event=\"completed\"", jobsApi);
        Assert.Contains("iothub_relay_lag_seconds", jobsApi);
        // Method calls are claimed, run and reported by the holder of the devices' connections (device-sim here).
        var holder = await Scrape("device-sim");
        Assert.Contains("iothub_device_operations_total{", holder);
        Assert.Contains("operation=\"reboot\"", holder);
        Assert.Contains("iothub_device_operation_duration_seconds_bucket", holder);
        var schedulers = await Scrape("scheduler-1") + await Scrape("scheduler-2");
        Assert.Contains("iothub_scheduler_start_lag_seconds", schedulers);
    }

    [Fact]
    public async Task Every_service_reports_live_and_ready()
    {
        using var http = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        foreach (var service in system.Services.Keys)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(system.ServiceUrl(service), "/health/live"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(system.ServiceUrl(service), "/health/ready"))).StatusCode);
        }
    }
}
