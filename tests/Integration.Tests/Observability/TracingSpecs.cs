using System.Net;
using System.Text.Json.Nodes;
using Integration.Tests.Infrastructure;
using Integration.Tests.Jobs;

namespace Integration.Tests.Observability;

[Collection(SystemCollection.Name)]
public sealed class TracingSpecs(SystemUnderTest system)
{
    [Fact]
    public async Task A_method_job_can_be_followed_from_the_trace_of_its_PUT_through_every_service()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        await Fleet.CreateAsync(system.Hub, $"trace-{run}", 10, new JsonObject { ["run"] = run });
        var jobId = $"trace-{run}";
        (await system.Hub.PutAsync($"/jobs/v2/{jobId}", Fleet.MethodJob(jobId, $"tags.run = '{run}'"))).EnsureStatus(HttpStatusCode.OK);
        await Fleet.WaitUntilFinishedAsync(system.Hub, jobId);

        string? jobTrace = null;
        List<OtlpReceiver.Span> deviceSpans = [];
        await Ledger.EventuallyAsync(() =>
        {
            var spans = system.Traces.Spans.ToList();
            jobTrace = spans.FirstOrDefault(s => s.Service == "gateway" && s.ParentSpanId == ""
                && s.Attributes.GetValueOrDefault("url.path") == $"/jobs/v2/{jobId}" && s.Name.StartsWith("PUT"))?.TraceId;
            deviceSpans = spans.Where(s => s.Service is "executor-1" or "executor-2" or "device-sim"
                && s.Attributes.GetValueOrDefault("iothub.job_id") == jobId).ToList();
            return Task.FromResult(jobTrace is not null
                && spans.Any(s => s.TraceId == jobTrace && s.Service is "scheduler-1" or "scheduler-2" && s.Name == "fan out")
                && deviceSpans.Any(s => s.Service == "device-sim") && deviceSpans.Any(s => s.Service != "device-sim"));
        }, TimeSpan.FromSeconds(30));

        Assert.NotNull(jobTrace);
        var all = system.Traces.Spans.ToList();
        var inJobTrace = all.Where(s => s.TraceId == jobTrace).Select(s => s.Service).ToHashSet();
        Assert.Contains("gateway", inJobTrace);
        Assert.Contains("jobs-api", inJobTrace);
        Assert.True(inJobTrace.Contains("scheduler-1") || inJobTrace.Contains("scheduler-2"), "the scheduler's start and fan-out join the job's trace");
        Assert.Contains(all, s => s.TraceId == jobTrace && s.Name == "start job");

        // Logs are JSON lines carrying the trace id and the job id (the consumer's scope). A service's output reaches its log
        // file on its own time, so the line is waited for.
        await Ledger.EventuallyAsync(() => Task.FromResult(system.Services["jobs-api"].ReadLog().Split('\n').Any(line =>
            line.Contains($"Job {jobId} started") && line.Contains("\"TraceId\":") && line.Contains($"\"JobId\":\"{jobId}\""))));
        Assert.Contains(deviceSpans, s => s.Service == "device-sim");
        Assert.Contains(deviceSpans, s => s.Service is "executor-1" or "executor-2");
        // Every device operation's trace is the job's own or a per-chunk trace linked to it.
        Assert.All(deviceSpans, span => Assert.True(
            span.TraceId == jobTrace || all.Any(s => s.TraceId == span.TraceId && s.Links.Any(l => l.TraceId == jobTrace)),
            $"{span.Service} span '{span.Name}' in trace {span.TraceId} does not connect to the job's trace {jobTrace}"));
    }
}
